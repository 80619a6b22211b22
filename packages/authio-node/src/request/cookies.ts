/**
 * Reads one cookie from a `Cookie` header. Duplicates: the first wins (browsers send the most specific
 * path first). The header is split on `;` before anything is decoded, so a percent-encoded `;` inside
 * a value stays inside that value and can never forge another cookie. Quotes around a value are
 * removed; a value that is not valid percent-encoding is returned as sent.
 */
export function readCookie(cookieHeader: string | null | undefined, name: string): string | null {
  if (typeof cookieHeader !== "string" || typeof name !== "string" || name === "") return null;
  for (const pair of cookieHeader.split(";")) {
    const eq = pair.indexOf("=");
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!value.includes("%")) return value;
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return null;
}
