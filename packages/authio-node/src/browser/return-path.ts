/**
 * A return path after sign-in can only be local: a path on this origin, never a URL that a browser
 * would resolve elsewhere (`//evil.example`, `/\evil.example`, `https://…`, control characters).
 * Anything else becomes `fallback`.
 */
export function safeReturnPath(candidate: unknown, fallback = "/"): string {
  if (typeof candidate !== "string" || candidate.length === 0 || candidate.length > 2048) return fallback;
  if (!candidate.startsWith("/") || candidate.startsWith("//") || candidate.startsWith("/\\"))
    return fallback;
  // Browsers strip tabs and newlines and treat `\` like `/`, which can turn a path into a host.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(candidate)) return fallback;
  try {
    const base = "http://return.invalid";
    const url = new URL(candidate, base);
    if (url.origin !== base) return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}
