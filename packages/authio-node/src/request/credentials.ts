import { readCookie } from "./cookies.js";

/** The name of the cookie that carries the access token in a browser. */
export const SESSION_COOKIE = "authio_session";
/** The name of the cookie that carries the refresh token. */
export const REFRESH_COOKIE = "authio_refresh";

/**
 * The two request headers authentication reads, as a framework hands them over. `authorization` may
 * be a list: Node's `http` keeps only the first of several headers in `req.headers`, so adapters on
 * Node pass `req.headersDistinct.authorization` to let the core see every one of them.
 */
export interface RequestCredentials {
  readonly authorization?: string | readonly string[] | null | undefined;
  readonly cookie?: string | readonly string[] | null | undefined;
}

/** Anything a credential can be read from: a Fetch `Request`, its `Headers`, or the two headers. */
export type CredentialsInput = Request | Headers | RequestCredentials;

export type ExtractedToken =
  /** No Authorization header and no session cookie: the request is anonymous. */
  | { readonly kind: "none" }
  | { readonly kind: "token"; readonly token: string; readonly source: "header" | "cookie" }
  /** An Authorization header that holds no usable Bearer token (another scheme, no token). */
  | { readonly kind: "invalid"; readonly source: "header" }
  /** Several Authorization headers, or one comma-joined value: ambiguous, never guessed at. */
  | { readonly kind: "ambiguous" };

const BEARER = /^[ \t]*bearer[ \t]+([^ \t]+)[ \t]*$/i;

type HeadersLike = { get(name: string): string | null };
const isHeadersLike = (value: unknown): value is HeadersLike =>
  typeof value === "object" && value !== null && typeof (value as Partial<HeadersLike>).get === "function";

function toCredentials(input: CredentialsInput): RequestCredentials {
  // Recognised by shape, not `instanceof`: a Request or Headers from another fetch implementation or
  // realm (undici's package, a polyfill, a test runner's) must not read as "no credentials".
  if (isHeadersLike(input)) {
    // Fetch joins repeated headers with ", ", which the comma check below refuses.
    return { authorization: input.get("authorization"), cookie: input.get("cookie") };
  }
  const headers = (input as { headers?: unknown }).headers;
  if (isHeadersLike(headers)) return toCredentials(headers as Headers);
  return input as RequestCredentials;
}

/**
 * Finds the access token of a request. `Authorization: Bearer` (scheme case-insensitive) wins over
 * the `authio_session` cookie, and a bad header never falls back to the cookie: a client that sent a
 * header meant it.
 */
export function extractToken(input: CredentialsInput | null | undefined): ExtractedToken {
  if (input === null || typeof input !== "object") return { kind: "none" };
  const { authorization, cookie } = toCredentials(input);

  const headers =
    typeof authorization === "string" ? [authorization] : Array.isArray(authorization) ? authorization : [];
  if (headers.length > 1) return { kind: "ambiguous" };
  const header = headers[0];
  if (typeof header === "string") {
    if (header.includes(",")) return { kind: "ambiguous" };
    const token = BEARER.exec(header)?.[1];
    return token ? { kind: "token", token, source: "header" } : { kind: "invalid", source: "header" };
  }

  const cookieHeader = typeof cookie === "string" ? cookie : Array.isArray(cookie) ? cookie.join("; ") : null;
  const token = readCookie(cookieHeader, SESSION_COOKIE);
  return token ? { kind: "token", token, source: "cookie" } : { kind: "none" };
}
