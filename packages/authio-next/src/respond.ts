import {
  type AuthDenial,
  denialResponse as coreDenial,
  privateCacheControl,
  sessionVary,
} from "@authio/node";

/** The core's denial, sent verbatim (with any `Set-Cookie` of the authentication); no body for HEAD. */
export function denialResponse(denial: AuthDenial, method: string, setCookies: readonly string[]): Response {
  const response = coreDenial(denial, setCookies);
  return method.toUpperCase() === "HEAD"
    ? new Response(null, { status: response.status, headers: response.headers })
    : response;
}

function apply(headers: Headers, setCookies: readonly string[]): void {
  headers.set("cache-control", privateCacheControl(headers.get("cache-control")));
  headers.set("vary", sessionVary(headers.get("vary")));
  for (const cookie of setCookies) headers.append("set-cookie", cookie);
}

/**
 * Marks a response that may depend on the session (`Cache-Control: private`, `Vary: Authorization,
 * Cookie`) and adds the authentication's `Set-Cookie` (a refreshed session, cleared cookies). A
 * response with immutable headers (`Response.redirect`, a proxied `fetch`) is copied first.
 */
export function withSessionHeaders(response: Response, setCookies: readonly string[] = []): Response {
  try {
    apply(response.headers, setCookies);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    apply(copy.headers, setCookies);
    return copy;
  }
}

/**
 * The request's `Cookie` header with the values of `setCookies` applied (set, or removed when they
 * expire): what the app's own code must see after the proxy refreshed the session.
 */
export function applySetCookies(cookieHeader: string | null, setCookies: readonly string[]): string {
  const pairs = (cookieHeader ?? "")
    .split(";")
    .map((p) => p.trim())
    .filter(Boolean);
  for (const line of setCookies) {
    const [pair = "", ...attributes] = line.split(";");
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const expired = attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
    const kept = pairs.filter((p) => p.slice(0, p.indexOf("=")).trim() !== name);
    if (!expired) kept.push(`${name}=${pair.slice(eq + 1).trim()}`);
    pairs.splice(0, pairs.length, ...kept);
  }
  return pairs.join("; ");
}
