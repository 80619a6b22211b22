const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** GET, HEAD and OPTIONS change nothing, so they need no CSRF proof. */
export const isSafeMethod = (method: string): boolean =>
  SAFE_METHODS.has(method) || SAFE_METHODS.has(method.toUpperCase());

/**
 * CSRF defence for cookie-authenticated requests: an unsafe method must come from a page of this
 * origin (or an allowed one), proven by `Origin` or, when a browser omits it, `Sec-Fetch-Site`.
 * A request without either is refused: every browser that sends cookies cross-site sends one of them.
 */
export function isSameOriginRequest(
  method: string,
  requestOrigin: string,
  headers: { get(name: string): string | null },
  allowedOrigins: ReadonlySet<string>,
): boolean {
  if (isSafeMethod(method)) return true;
  const origin = headers.get("origin");
  if (origin !== null && origin !== "null") return origin === requestOrigin || allowedOrigins.has(origin);
  return headers.get("sec-fetch-site") === "same-origin";
}
