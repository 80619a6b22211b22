/** Attributes of a cookie the SDK sets. Session cookies are always HttpOnly, SameSite=Lax, Path=/. */
export interface CookieAttributes {
  /** Seconds; 0 deletes the cookie. */
  readonly maxAge: number;
  readonly secure: boolean;
}

/** A `Set-Cookie` header value. Values are percent-encoded so nothing in them can end the cookie early. */
export function serializeCookie(name: string, value: string, { maxAge, secure }: CookieAttributes): string {
  const parts = [
    `${name}=${encodeURIComponent(value)}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${Math.max(0, Math.floor(maxAge))}`,
  ];
  if (maxAge <= 0) parts.push("Expires=Thu, 01 Jan 1970 00:00:00 GMT");
  if (secure) parts.push("Secure");
  return parts.join("; ");
}

export const clearCookie = (name: string, secure: boolean): string =>
  serializeCookie(name, "", { maxAge: 0, secure });

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** `Secure` everywhere except plain-http localhost, where browsers would otherwise drop the cookie in development. */
export function cookiesAreSecure(requestUrl: URL): boolean {
  return !(requestUrl.protocol === "http:" && LOCAL_HOSTS.has(requestUrl.hostname));
}
