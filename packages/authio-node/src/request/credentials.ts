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
  if (input === null || typeof input !== "object") return NONE;
  const { authorization, cookie } = toCredentials(input);

  let header: unknown = authorization;
  if (Array.isArray(authorization)) {
    if (authorization.length > 1) return AMBIGUOUS;
    header = authorization[0];
  }
  if (typeof header === "string") {
    if (header.includes(",")) return AMBIGUOUS;
    const token = bearerToken(header);
    return token ? { kind: "token", token, source: "header" } : INVALID_HEADER;
  }

  const cookieHeader = typeof cookie === "string" ? cookie : Array.isArray(cookie) ? cookie.join("; ") : null;
  const token = readCookie(cookieHeader, SESSION_COOKIE);
  return token ? { kind: "token", token, source: "cookie" } : NONE;
}

const NONE: ExtractedToken = Object.freeze({ kind: "none" });
const AMBIGUOUS: ExtractedToken = Object.freeze({ kind: "ambiguous" });
const INVALID_HEADER: ExtractedToken = Object.freeze({ kind: "invalid", source: "header" });

/**
 * The token of a `Bearer` header, as {@link BEARER} reads it. The usual spelling (`Bearer <token>`)
 * is recognised with native string searches — the regex, run on every request, costs more than the
 * cached verification after it; anything else goes through the regex.
 */
function bearerToken(header: string): string | undefined {
  if (header.length > 7 && header.startsWith("Bearer ")) {
    const token = header.slice(7);
    if (token.indexOf(" ") === -1 && token.indexOf("\t") === -1) return token;
  }
  return BEARER.exec(header)?.[1];
}
