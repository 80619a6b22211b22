/**
 * The caching headers of an answer that may depend on who asked. `Vary: Authorization, Cookie` keeps
 * caches that honour `Vary` from serving one user's answer to another; `Cache-Control: private` keeps
 * shared caches (CDNs, proxies) from storing it at all. Every adapter merges them with what the app
 * set through these two functions, so the rules live here once:
 *
 * - every response the authenticating middleware saw: `Vary` gains `Authorization, Cookie`, and
 *   `Cache-Control` is `private` unless the app set its own (an explicitly public page stays public);
 * - a response behind a guard (the route needs a session, so its answer is that user's): whatever the
 *   app set, it never goes out publicly cacheable — {@link privateCacheControl}.
 */

/** The defaults every answer that may depend on the session carries (see SESSION_RESPONSE_HEADERS). */
export const SESSION_VARY = "Authorization, Cookie";
export const SESSION_CACHE_CONTROL = "private";

type HeaderValue = string | number | readonly string[] | null | undefined;

function text(value: HeaderValue): string {
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? value.join(", ") : String(value);
}

const split = (value: string) =>
  value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);

/** A `Vary` value with `Authorization` and `Cookie` added where missing (`*` already varies on everything). */
export function sessionVary(current: HeaderValue): string {
  // The common cases: nothing set, or what the authenticating middleware set.
  if (current === null || current === undefined || current === "" || current === SESSION_VARY)
    return SESSION_VARY;
  const value = text(current);
  if (value.trim() === "") return SESSION_VARY; // the common case: nothing to merge
  const names = split(value);
  if (names.includes("*")) return "*";
  const present = new Set(names.map((name) => name.toLowerCase()));
  if (!present.has("authorization")) names.push("Authorization");
  if (!present.has("cookie")) names.push("Cookie");
  return names.join(", ");
}

const SHARED_ONLY = /^(public|s-maxage\s*=.*|proxy-revalidate)$/i;
const ALREADY_PRIVATE = /^(private|no-store)$/i;

/**
 * A `Cache-Control` value a shared cache will not store: unchanged when it already says `private` or
 * `no-store`; otherwise `private` first, with the directives meant for shared caches (`public`,
 * `s-maxage`, `proxy-revalidate`) dropped and the rest (`max-age`, `no-cache`, …) kept for the browser.
 */
export function privateCacheControl(current: HeaderValue): string {
  // The common cases: nothing set, or what the authenticating middleware set.
  if (current === null || current === undefined || current === "" || current === SESSION_CACHE_CONTROL)
    return SESSION_CACHE_CONTROL;
  const directives = split(text(current));
  if (directives.some((d) => ALREADY_PRIVATE.test(d))) return directives.join(", ");
  return [SESSION_CACHE_CONTROL, ...directives.filter((d) => !SHARED_ONLY.test(d))].join(", ");
}
