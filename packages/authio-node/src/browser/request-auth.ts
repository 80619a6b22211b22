import type { AuthioError } from "../errors.js";
import { readCookie } from "../request/cookies.js";
import { REFRESH_COOKIE, SESSION_COOKIE } from "../request/credentials.js";
import { type AuthResult, authenticateRequest } from "../request/decision.js";
import type { TokenVerifier } from "../verify/result.js";
import { isSafeMethod, isSameOriginRequest } from "./csrf.js";
import { problemPage } from "./pages.js";
import type { RefreshCoordinator, RefreshGrant } from "./refresh.js";
import { safeReturnPath } from "./return-path.js";
import { clearCookie, cookiesAreSecure, serializeCookie } from "./set-cookie.js";

/** The cookie that binds a sign-in's `state` (and its return path) to the browser that started it. */
export const STATE_COOKIE = "authio_state";

/** A request as the browser flows read it. Adapters build one from their framework's request. */
export interface AuthRequest {
  readonly method: string;
  /** The absolute URL the browser used (scheme and Host as the browser sent them). */
  readonly url: string | URL;
  readonly headers: { get(name: string): string | null };
  /** Every Authorization header, when the framework keeps them apart (Node's `headersDistinct`). */
  readonly authorization?: readonly string[] | undefined;
  /** The path and query as sent (`/a/b?x=1`), when the framework has it without building a URL. */
  readonly path?: string | undefined;
}

/** An answer for the adapter to send verbatim. `headers` may repeat a name (several `set-cookie`). */
export interface AuthResponse {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string | null;
}

export interface Authentication {
  readonly result: AuthResult;
  /** `Set-Cookie` values the response must carry: a refreshed session, or cleared cookies. */
  readonly setCookies: readonly string[];
}

/** The Management calls the browser flows make (a subset of `authio.sessions`). */
export interface BrowserSessionsApi {
  authenticate(input: { code: string }): Promise<RefreshGrant>;
  refresh(input: { refreshToken: string }): Promise<RefreshGrant>;
  revoke(sessionId: string): Promise<unknown>;
  switchOrg(sessionId: string, input: { organizationId: string }): Promise<{ readonly accessToken: string }>;
}

export interface RequestAuthOptions {
  /** Paths of the routes `handle()` answers. */
  readonly paths?: {
    readonly signIn?: string;
    readonly callback?: string;
    readonly signOut?: string;
    readonly switchOrganization?: string;
  };
  /** Where the browser lands after signing out. Default `/`. */
  readonly afterSignOut?: string;
  /** Origins, besides the app's own, allowed to send cookie-authenticated unsafe requests (CSRF). */
  readonly allowedOrigins?: readonly string[];
  /** Refresh a cookie session this many seconds before its access token expires. Default 30. */
  readonly refreshLeeway?: number;
}

const DEFAULT_PATHS = {
  signIn: "/auth/sign-in",
  callback: "/auth/callback",
  signOut: "/auth/sign-out",
  switchOrganization: "/auth/switch-organization",
} as const;

const STATE_MAX_AGE = 600;
/** When the API does not say how long a session lives, keep the refresh cookie this long. */
const FALLBACK_REFRESH_MAX_AGE = 30 * 24 * 3600;

/**
 * Everything a web framework needs to authenticate requests and run the browser session lifecycle
 * (API.md §5.4–5.5): the request-level decision with transparent refresh and CSRF defence, and the
 * sign-in, callback, sign-out and switch-organization routes. Adapters only translate: they turn
 * their request into an `AuthRequest` and send back what this returns.
 */
export class RequestAuth {
  readonly #verifier: TokenVerifier;
  readonly #sessions: BrowserSessionsApi;
  readonly #apiUrl: string;
  readonly #refresher: RefreshCoordinator;
  readonly #paths: Required<NonNullable<RequestAuthOptions["paths"]>>;
  readonly #routes: ReadonlyMap<string, keyof typeof DEFAULT_PATHS>;
  readonly #afterSignOut: string;
  readonly #allowedOrigins: ReadonlySet<string>;
  readonly #leewayMs: number;

  /**
   * Built by `authio.createRequestAuth()`. Every `RequestAuth` of one client shares its
   * `RefreshCoordinator`, so an adapter's middleware and its routes refresh a browser only once.
   */
  constructor(
    verifier: TokenVerifier,
    sessions: BrowserSessionsApi,
    apiUrl: string,
    refresher: RefreshCoordinator,
    options: RequestAuthOptions = {},
  ) {
    this.#verifier = verifier;
    this.#sessions = sessions;
    this.#apiUrl = apiUrl;
    this.#refresher = refresher;
    this.#paths = { ...DEFAULT_PATHS, ...options.paths };
    this.#routes = new Map(
      Object.entries(this.#paths).map(([route, path]) => [path, route as keyof typeof DEFAULT_PATHS]),
    );
    this.#afterSignOut = safeReturnPath(options.afterSignOut);
    this.#allowedOrigins = new Set(options.allowedOrigins ?? []);
    this.#leewayMs = (options.refreshLeeway ?? 30) * 1000;
  }

  /** Paths of the lifecycle routes, for adapters that mount them one by one. */
  get paths(): Readonly<Required<NonNullable<RequestAuthOptions["paths"]>>> {
    return this.#paths;
  }

  /**
   * Authenticates a request: Bearer header or session cookie, refreshing an expired (or nearly
   * expired) cookie session once, and refusing cookie credentials on cross-site unsafe requests.
   * Never throws.
   */
  async authenticate(request: AuthRequest): Promise<Authentication> {
    // The hot path (a Bearer request, or a cookie GET with a valid token) parses no URL and reads
    // each header once: the URL matters only for CSRF on unsafe methods and for cookie flags.
    const cookieHeader = request.headers.get("cookie");
    const authorization = request.authorization ?? request.headers.get("authorization");
    const hasHeader = Array.isArray(authorization) ? authorization.length > 0 : authorization !== null;
    const refreshToken = hasHeader ? null : readCookie(cookieHeader, REFRESH_COOKIE);

    if (
      !hasHeader &&
      !isSafeMethod(request.method) &&
      !isSameOriginRequest(request.method, new URL(request.url).origin, request.headers, this.#allowedOrigins)
    ) {
      const hasCookies = readCookie(cookieHeader, SESSION_COOKIE) !== null || refreshToken !== null;
      return {
        result: hasCookies
          ? { status: "rejected", session: null, reason: "cross_site_request", source: "cookie" }
          : ANONYMOUS,
        setCookies: [],
      };
    }

    const result = await authenticateRequest(this.#verifier, { authorization, cookie: cookieHeader });
    if (refreshToken === null || !this.#needsRefresh(result)) return { result, setCookies: NO_COOKIES };

    const secure = cookiesAreSecure(new URL(request.url));
    const outcome = await this.#refresher.refresh(refreshToken);
    switch (outcome.kind) {
      case "refreshed": {
        const verified = await this.#verifier.verifyDetailed(outcome.grant.accessToken).catch(() => null);
        if (!verified?.ok) return { result, setCookies: [] };
        return {
          result: { status: "authenticated", session: verified.session, source: "cookie" },
          setCookies: sessionCookies(outcome.grant, secure),
        };
      }
      case "signed_out":
        return {
          result: result.status === "authenticated" ? ANONYMOUS : result,
          setCookies: [clearCookie(SESSION_COOKIE, secure), clearCookie(REFRESH_COOKIE, secure)],
        };
      case "unavailable":
        // Still valid for a few seconds: serve it. Otherwise no decision is possible: 503, keep cookies.
        return result.status === "authenticated"
          ? { result, setCookies: [] }
          : { result: unavailable(outcome.error), setCookies: [] };
    }
  }

  #needsRefresh(result: AuthResult): boolean {
    switch (result.status) {
      case "anonymous":
        return true; // the access cookie's Max-Age ran out before the refresh cookie's
      case "rejected":
        return result.source === "cookie" && result.reason === "expired";
      case "authenticated":
        return result.source === "cookie" && result.session.expiresAt.getTime() - Date.now() < this.#leewayMs;
      default:
        return false;
    }
  }

  /** Answers the lifecycle routes (sign-in, callback, sign-out, switch organization); `null` for any other request. */
  async handle(request: AuthRequest): Promise<AuthResponse | null> {
    // Runs in front of every request of the app: match the path without parsing a URL.
    const pathname = pathnameOf(request);
    const route = this.#routes.get(pathname);
    if (route === undefined) return null;
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const expects = route === "signIn" || route === "callback" ? "GET" : "POST";
    if (method !== expects && !(expects === "GET" && method === "HEAD")) {
      return {
        status: 405,
        headers: [["allow", expects], ...JSON_HEADERS],
        body: jsonError("method_not_allowed", `Use ${expects}.`),
      };
    }
    switch (route) {
      case "signIn":
        return this.signIn(request);
      case "callback":
        return this.callback(request);
      case "signOut":
        return this.signOut(request);
      default:
        return this.switchOrganization(request, url.searchParams.get("organization_id") ?? "");
    }
  }

  /** Redirects to the hosted sign-in page with a `state` bound to this browser and a local return path. */
  signIn(request: AuthRequest): AuthResponse {
    const url = new URL(request.url);
    const state = randomToken();
    const returnTo = safeReturnPath(url.searchParams.get("return_to"));
    const authorize = new URL(`${this.#apiUrl}/v1/authorize`);
    authorize.searchParams.set("redirect_uri", new URL(this.#paths.callback, url.origin).href);
    authorize.searchParams.set("state", state);
    const organizationId = url.searchParams.get("organization_id");
    if (organizationId) authorize.searchParams.set("organization_id", organizationId);
    const stateCookie = serializeCookie(STATE_COOKIE, `${state}.${returnTo}`, {
      maxAge: STATE_MAX_AGE,
      secure: cookiesAreSecure(url),
    });
    return redirect(302, authorize.href, [stateCookie]);
  }

  /** Exchanges the sign-in code, sets the session cookies and returns the browser to where it started. */
  async callback(request: AuthRequest): Promise<AuthResponse> {
    const url = new URL(request.url);
    const secure = cookiesAreSecure(url);
    const clearState = clearCookie(STATE_COOKIE, secure);
    const code = url.searchParams.get("code");
    const state = url.searchParams.get("state");
    const saved = readCookie(request.headers.get("cookie"), STATE_COOKIE);
    const dot = saved?.indexOf(".") ?? -1;
    const savedState = saved && dot > 0 ? saved.slice(0, dot) : null;
    if (!code || !state || savedState === null || !constantTimeEqual(state, savedState)) {
      return this.#problem(
        400,
        "This sign-in link is not valid",
        "It has expired, was already used, or was started in another browser. Please sign in again.",
        [clearState],
      );
    }
    const returnTo = safeReturnPath(saved!.slice(dot + 1));
    let grant: RefreshGrant;
    try {
      grant = await this.#sessions.authenticate({ code });
    } catch (error) {
      const retryable = (error as AuthioError | undefined)?.retryable === true;
      return retryable
        ? this.#problem(
            503,
            "Sign-in is temporarily unavailable",
            "We could not reach the sign-in service. Please try again in a moment.",
            [clearState],
          )
        : this.#problem(
            400,
            "This sign-in link is not valid",
            "It has expired or was already used. Please sign in again.",
            [clearState],
          );
    }
    // The token comes straight from Authio over an authenticated channel, and every request verifies
    // it anyway: the cookie only needs its expiry. A token already expired (clock skew) still lands,
    // as a cookie that expires at once, so the next request refreshes.
    return redirect(303, returnTo, [clearState, ...sessionCookies(grant, secure)]);
  }

  /** Revokes the session (when there is one) and clears both cookies, then returns to `afterSignOut`. */
  async signOut(request: AuthRequest): Promise<AuthResponse> {
    const secure = cookiesAreSecure(new URL(request.url));
    const { result } = await this.authenticate(request);
    if (result.status === "rejected" && result.reason === "cross_site_request") return this.#crossSite();
    if (result.status === "authenticated") {
      // Clearing the cookies is what signs this browser out; a failed revoke must not keep it signed in.
      await this.#sessions.revoke(result.session.sessionId).catch(() => undefined);
    }
    return redirect(303, this.#afterSignOut, [
      clearCookie(SESSION_COOKIE, secure),
      clearCookie(REFRESH_COOKIE, secure),
    ]);
  }

  /**
   * Pivots the signed-in session into another organization and sets the new access token in the
   * same response. Answers JSON to `Accept: application/json`, else redirects to `return_to`.
   */
  async switchOrganization(request: AuthRequest, organizationId: string): Promise<AuthResponse> {
    const url = new URL(request.url);
    const secure = cookiesAreSecure(url);
    const { result, setCookies } = await this.authenticate(request);
    if (result.status === "rejected" && result.reason === "cross_site_request") return this.#crossSite();
    if (result.status === "unavailable") {
      return {
        status: 503,
        headers: [["retry-after", "5"], ...JSON_HEADERS],
        body: jsonError("service_unavailable", "Authentication is temporarily unavailable."),
      };
    }
    if (result.status !== "authenticated") {
      return {
        status: 401,
        headers: [
          ["www-authenticate", 'Bearer realm="authio"'],
          ...JSON_HEADERS,
          ...cookieHeaders(setCookies),
        ],
        body: jsonError("unauthenticated", "Sign in first."),
      };
    }
    if (!/^org_[A-Za-z0-9]{1,64}$/.test(organizationId)) {
      return {
        status: 400,
        headers: JSON_HEADERS,
        body: jsonError("invalid_request", "organization_id must be an organization id."),
      };
    }
    let accessToken: string;
    try {
      ({ accessToken } = await this.#sessions.switchOrg(result.session.sessionId, { organizationId }));
    } catch (error) {
      const e = error as AuthioError;
      if (e?.code === "not_a_member" || e?.code === "not_found") {
        return {
          status: 403,
          headers: JSON_HEADERS,
          body: jsonError("forbidden", "You are not a member of that organization."),
        };
      }
      if (e?.code === "session_inactive") {
        return {
          status: 401,
          headers: [
            ...JSON_HEADERS,
            ...cookieHeaders([clearCookie(SESSION_COOKIE, secure), clearCookie(REFRESH_COOKIE, secure)]),
          ],
          body: jsonError("unauthenticated", "The session has ended. Sign in again."),
        };
      }
      return {
        status: 503,
        headers: [["retry-after", "5"], ...JSON_HEADERS],
        body: jsonError("service_unavailable", "Switching organization is temporarily unavailable."),
      };
    }
    const verified = await this.#verifier.verifyDetailed(accessToken).catch(() => null);
    if (!verified?.ok) {
      return {
        status: 503,
        headers: [["retry-after", "5"], ...JSON_HEADERS],
        body: jsonError("service_unavailable", "The new session could not be verified."),
      };
    }
    const session = verified.session;
    const cookie = serializeCookie(SESSION_COOKIE, accessToken, {
      maxAge: secondsUntil(session.expiresAt),
      secure,
    });
    const refreshCookies = setCookies.filter((c) => c.startsWith(`${REFRESH_COOKIE}=`));
    if ((request.headers.get("accept") ?? "").includes("application/json")) {
      return {
        status: 200,
        headers: [...JSON_HEADERS, ...cookieHeaders([cookie, ...refreshCookies])],
        body: JSON.stringify({
          session: {
            userId: session.userId,
            orgId: session.orgId,
            role: session.role,
            permissions: session.permissions,
          },
        }),
      };
    }
    return redirect(303, safeReturnPath(url.searchParams.get("return_to")), [cookie, ...refreshCookies]);
  }

  #problem(status: number, title: string, message: string, cookies: string[]): AuthResponse {
    return {
      status,
      headers: [
        ["content-type", "text/html; charset=utf-8"],
        ["cache-control", "no-store"],
        ...cookieHeaders(cookies),
      ],
      body: problemPage(title, message, { href: this.#paths.signIn, label: "Sign in again" }),
    };
  }

  #crossSite(): AuthResponse {
    return {
      status: 403,
      headers: JSON_HEADERS,
      body: jsonError("forbidden", "Cross-site request refused."),
    };
  }
}

const ANONYMOUS: AuthResult = Object.freeze({ status: "anonymous", session: null });
const NO_COOKIES: readonly string[] = Object.freeze([]);
const JSON_HEADERS: readonly (readonly [string, string])[] = [
  ["content-type", "application/json; charset=utf-8"],
  ["cache-control", "no-store"],
];

/** The path of a request, from the cheapest source the adapter gave. */
function pathnameOf(request: AuthRequest): string {
  let path = request.path;
  if (path === undefined) {
    if (typeof request.url !== "string") return request.url.pathname;
    const start = request.url.indexOf("/", request.url.indexOf("//") + 2);
    path = start === -1 ? "/" : request.url.slice(start);
  }
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}

const unavailable = (error: AuthioError): AuthResult => ({ status: "unavailable", session: null, error });
const jsonError = (code: string, message: string) => JSON.stringify({ error: { code, message } });
const cookieHeaders = (cookies: readonly string[]) => cookies.map((c) => ["set-cookie", c] as const);
const secondsUntil = (date: Date | string) => Math.floor((new Date(date).getTime() - Date.now()) / 1000);

/** The `exp` of a token Authio just issued, read without verification: only to size its cookie. */
function accessTokenExpiry(token: string): Date | null {
  try {
    const payload = token.split(".")[1] ?? "";
    const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as { exp?: unknown };
    return typeof claims.exp === "number" && Number.isFinite(claims.exp) ? new Date(claims.exp * 1000) : null;
  } catch {
    return null;
  }
}

function sessionCookies(grant: RefreshGrant, secure: boolean): string[] {
  const refreshMaxAge = secondsUntil(grant.session.expiresAt);
  const expiry = accessTokenExpiry(grant.accessToken);
  return [
    serializeCookie(SESSION_COOKIE, grant.accessToken, {
      maxAge: expiry ? secondsUntil(expiry) : 300,
      secure,
    }),
    serializeCookie(REFRESH_COOKIE, grant.refreshToken, {
      maxAge: Number.isFinite(refreshMaxAge) && refreshMaxAge > 0 ? refreshMaxAge : FALLBACK_REFRESH_MAX_AGE,
      secure,
    }),
  ];
}

/** Relative `Location`s stay on the host the browser used (never rebuilt from a proxied Host). */
function redirect(status: 302 | 303, location: string, cookies: readonly string[]): AuthResponse {
  return {
    status,
    headers: [["location", location], ["cache-control", "no-store"], ...cookieHeaders(cookies)],
    body: null,
  };
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
