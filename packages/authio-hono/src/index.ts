/**
 * Authio for Hono, on every runtime Hono runs on: `authenticate()` verifies the request once
 * (refreshing an expiring cookie session transparently) and sets the read-only variable `session`
 * (`c.var.session: Session | null`); guards answer 400/401/403/503 exactly as the core decides and
 * narrow `c.var.session` to `Session` for the handlers after them; `authRoutes()` answers the browser
 * lifecycle routes (sign-in, callback, sign-out, switch organization). The decisions live in
 * `@authio/node` (`RequestAuth`); this file only translates.
 */
import {
  Authio,
  type AuthioOptions,
  type AuthRequest,
  type AuthResult,
  authorize,
  denialResponse,
  fromFetchRequest,
  fromNodeRequest,
  type NodeLikeRequest,
  privateCacheControl,
  type RequestAuth,
  type RequestAuthOptions,
  type Session,
  type SessionRequirement,
  sessionVary,
  toFetchResponse,
} from "@authio/node";
import type { Context, MiddlewareHandler } from "hono";

export type { RequestAuthOptions, Session, SessionRequirement } from "@authio/node";

/** The variables `authenticate()` sets. */
export interface AuthioVariables {
  /** The verified session, or `null` (anonymous, or a refused token). Read-only. */
  session: Session | null;
}
/** The Env of an app (or route) behind `authenticate()`: `new Hono<AuthioEnv>()`. */
export interface AuthioEnv {
  Variables: AuthioVariables;
}
/** The Env a guard adds: after it, `c.var.session` is a `Session`. */
export interface AuthioGuardedEnv {
  Variables: { session: Session };
}

/**
 * Options of `authenticate()` and `authRoutes()`: the client, and the browser lifecycle options
 * (`paths`, `afterSignOut`, `allowedOrigins`, `refreshLeeway`). Give both the same values.
 */
export interface AuthenticateOptions extends RequestAuthOptions {
  /**
   * The app's Authio client (it holds the JWKS cache). Default: one client built on the first
   * request from `AUTHIO_SECRET_KEY` / `AUTHIO_API_URL` — read from the bindings (`c.env`, as on
   * Cloudflare Workers) when present, else from the process environment — then shared by every
   * `authenticate()` and `authRoutes()` with the same configuration.
   */
  authio?: Authio | undefined;
}

export type AuthRoutesOptions = AuthenticateOptions;

/**
 * The decision of each request, keyed by its context, where no other code can reach it, and the
 * `RequestAuth` that made it (for `switchOrganization()` and `signOut()`).
 */
const states = new WeakMap<Context, { readonly result: AuthResult; readonly auth: RequestAuth }>();

const readOnly = () => {
  throw new TypeError('@authio/hono: the "session" variable is read-only; it is set by authenticate().');
};

function bindingOptions(env: unknown): AuthioOptions {
  const options: AuthioOptions = {};
  if (env !== null && typeof env === "object") {
    const { AUTHIO_SECRET_KEY: apiKey, AUTHIO_API_URL: apiUrl } = env as Record<string, unknown>;
    if (typeof apiKey === "string") options.apiKey = apiKey;
    if (typeof apiUrl === "string") options.apiUrl = apiUrl;
  }
  return options;
}

/** Clients built from bindings or the environment: one per configuration, shared by the process. */
const envClients = new Map<string, Authio>();
function defaultClient(options: AuthioOptions): Authio {
  const key = `${options.apiUrl ?? ""}\n${options.apiKey ?? ""}`;
  let client = envClients.get(key);
  if (client === undefined) {
    client = new Authio(options);
    envClients.set(key, client);
  }
  return client;
}

/**
 * One `RequestAuth` per middleware, built on the first request from the app's client (or the one the
 * bindings configure). Every `RequestAuth` of a client shares its refreshes.
 */
function lazyRequestAuth(options: AuthenticateOptions): (c: Context) => RequestAuth {
  const { authio, ...lifecycle } = options;
  let auth: RequestAuth | undefined;
  return (c) => {
    auth ??= (authio ?? defaultClient(bindingOptions(c.env))).createRequestAuth(lifecycle);
    return auth;
  };
}

/**
 * Puts the `Set-Cookie` lines of a refresh (or of cleared cookies) on the final response, before the
 * ones the route set itself — a route's own session cookie (`switchOrganization()`) must come last
 * to win. `c.header()` after the response is final copies it first, so immutable responses work too.
 */
function addCookies(c: Context, setCookies: readonly string[]): void {
  const own = c.res.headers.getSetCookie();
  const missing = setCookies.filter((cookie) => !own.includes(cookie));
  if (missing.length === 0) return;
  c.header("set-cookie", undefined);
  for (const cookie of missing) c.header("set-cookie", cookie, { append: true });
  for (const cookie of own) c.header("set-cookie", cookie, { append: true });
}

/** What every answer the middleware saw carries (see `@authio/node`'s cache-headers rules). */
function markSessionDependent(headers: Headers): void {
  if (!headers.has("cache-control")) headers.set("cache-control", "private");
  headers.set("vary", sessionVary(headers.get("vary")));
}

/**
 * A guarded route's answer is that user's own: whatever the route set, it goes out `private` (and
 * authenticate() then merges `Vary`). An immutable Response (a proxied fetch) is copied rather than
 * let through publicly cacheable.
 */
function keepPrivate(c: Context): void {
  const current = c.res.headers.get("cache-control");
  const wanted = privateCacheControl(current);
  if (wanted === current) return;
  try {
    c.res.headers.set("cache-control", wanted);
  } catch {
    const copy = new Response(c.res.body, c.res);
    copy.headers.set("cache-control", wanted);
    // Assigning over a response merges the old one's headers back in: clear it first.
    c.res = undefined as unknown as Response;
    c.res = copy;
  }
}

/**
 * The authenticating middleware: reads `Authorization: Bearer …` or the `authio_session` cookie (the
 * header wins; a bad header never falls back to the cookie), verifies it once and sets
 * `c.var.session`. A cookie session whose access token has expired (or is about to) is refreshed
 * once — concurrent requests of a browser share one refresh — and the new cookies are set on the
 * response, whatever answers it (a guard's denial too). Cookie credentials on a cross-site unsafe
 * request are refused (a guard answers 403). It never blocks. Responses get
 * `Cache-Control: private` (unless set) and `Vary: Authorization, Cookie`.
 */
export function authenticate(options: AuthenticateOptions = {}): MiddlewareHandler<AuthioEnv> {
  const requestAuth = lazyRequestAuth(options);
  return async function authioAuthenticate(c, next) {
    if (states.has(c)) return next();
    const auth = requestAuth(c);
    // Fetch `Headers` (and @hono/node-server's) join several Authorization headers with ", ",
    // which the core refuses as ambiguous.
    const { result, setCookies } = await auth.authenticate(authRequestOf(c));
    states.set(c, { result, auth });
    c.set("session", result.session);
    // `c.set("session", …)` now throws; the Map behind `c.var` is reachable only through the original
    // `set`, which this wrapper keeps to itself. (A plain assignment: defining a non-writable property
    // on every Context costs more for no gain — replacing `c.set` again cannot reach the session.)
    const set = c.set as (key: string, value: unknown) => void;
    c.set = ((key: string, value: unknown) =>
      key === "session" ? readOnly() : set(key, value)) as typeof c.set;
    await next();
    if (setCookies.length > 0) addCookies(c, setCookies);
    try {
      markSessionDependent(c.res.headers);
    } catch {
      // An immutable Response (a proxied fetch): leave it as it is.
    }
  };
}

/**
 * The browser lifecycle routes, as one middleware — mount it before `authenticate()`:
 * `app.use(authRoutes())`. `GET /auth/sign-in?return_to=/path` (redirects to the hosted sign-in
 * page), `GET /auth/callback` (sets `authio_session` and `authio_refresh`), `POST /auth/sign-out`
 * (revokes the session, clears both cookies) and `POST /auth/switch-organization?organization_id=org_…`
 * (sets the new `authio_session`). Paths (from the site root) are configurable (`paths`); every other
 * request goes to `next()`.
 */
export function authRoutes(options: AuthRoutesOptions = {}): MiddlewareHandler {
  const requestAuth = lazyRequestAuth(options);
  return async function authioRoutes(c, next) {
    const answer = await requestAuth(c).handle(fromFetchRequest(c.req.raw));
    if (answer === null) return next();
    return toFetchResponse(answer);
  };
}

/**
 * The request as the core reads it. On @hono/node-server the Node request is at hand (`c.env.incoming`):
 * reading its raw header lines directly skips building a Fetch `Headers` object per request, and keeps
 * several Authorization headers apart. Every other runtime goes through the Fetch `Request`.
 */
function authRequestOf(c: Context): AuthRequest {
  const incoming = (c.env as { incoming?: NodeLikeRequest } | undefined)?.incoming;
  if (incoming?.rawHeaders !== undefined) {
    return fromNodeRequest(incoming, c.req.url.startsWith("https:") ? "https" : "http");
  }
  return fromFetchRequest(c.req.raw);
}

function requestAuthOf(c: Context, helper: string): RequestAuth {
  const auth = states.get(c)?.auth;
  if (!auth) throw new Error(`@authio/hono: use authenticate() before ${helper}().`);
  return auth;
}

/**
 * For a custom route: switches the signed-in session to `organizationId` (`sessions.switchOrg`) and
 * answers with the new `authio_session` cookie in the same response — JSON `{ session }` to
 * `Accept: application/json`, else a 303 redirect to `?return_to` (local paths only, default `/`).
 * Refusals: 401 (not signed in), 403 (not a member, or a cross-site request), 400, 503.
 * `return switchOrganization(c, id)` from a handler behind `authenticate()`.
 */
export async function switchOrganization(c: Context, organizationId: string): Promise<Response> {
  const auth = requestAuthOf(c, "switchOrganization");
  return toFetchResponse(await auth.switchOrganization(fromFetchRequest(c.req.raw), organizationId));
}

/**
 * For a custom route: revokes the session, clears both cookies and redirects (303) to
 * `afterSignOut`. Cross-site requests get 403. `return signOut(c)` from a handler behind
 * `authenticate()`.
 */
export async function signOut(c: Context): Promise<Response> {
  const auth = requestAuthOf(c, "signOut");
  return toFetchResponse(await auth.signOut(fromFetchRequest(c.req.raw)));
}

/**
 * A guard: lets the request through when `authenticate()` found a session meeting `requirement`, and
 * then `c.var.session` is typed `Session`; otherwise answers the core's decision — 401, 400 (several
 * Authorization headers), 403 (`insufficient_scope`) or 503 (keys unavailable). CORS preflights pass.
 */
export function requireSession(requirement: SessionRequirement = {}): MiddlewareHandler<AuthioGuardedEnv> {
  return async function authioRequireSession(c, next) {
    const result = states.get(c)?.result;
    if (result === undefined) throw new Error("@authio/hono: use authenticate() before requireSession().");
    const outcome = authorize(result, requirement, {
      method: c.req.method,
      // Only a preflight (OPTIONS) can pass: don't look the header up on every other request.
      accessControlRequestMethod:
        c.req.method === "OPTIONS" ? c.req.header("access-control-request-method") : undefined,
    });
    if (outcome.action === "pass") return next();
    if (outcome.action === "allow") {
      await next();
      keepPrivate(c);
      return;
    }
    // authenticate() adds the Set-Cookie lines of a refresh to this answer too.
    return denialResponse(outcome.response);
  };
}

/** Requires a selected organization — any, or the one named. */
export const requireOrganization = (
  organization: string | true = true,
): MiddlewareHandler<AuthioGuardedEnv> => requireSession({ organization });

/** Requires one of these roles (in the session's organization). */
export const requireRole = (...roles: [string, ...string[]]): MiddlewareHandler<AuthioGuardedEnv> =>
  requireSession({ role: roles });

/** Requires every one of these permissions (in the session's organization). */
export const requirePermission = (
  ...permissions: [string, ...string[]]
): MiddlewareHandler<AuthioGuardedEnv> => requireSession({ permission: permissions });

/** The full authentication result (`status`, and the refusal `reason` for logs), if `authenticate()` ran. */
export function getAuthResult(c: Context): AuthResult | undefined {
  return states.get(c)?.result;
}
