/**
 * Authio for Express 4 and 5: `authenticate()` attaches the verified session as `req.auth`
 * (`Session | null`, never blocks), refreshing an expiring cookie session transparently;
 * `requireSession()` and its shorthands answer 400/401/403/503 exactly as the core decides;
 * `authRoutes()` answers the browser lifecycle routes (sign-in, callback, sign-out, switch
 * organization). The decisions live in `@authio/node` (`RequestAuth`); this file only translates.
 */
import {
  Authio,
  type AuthRequest,
  type AuthResponse,
  type AuthResult,
  authorize,
  fromNodeRequest,
  privateCacheControl,
  type RequestAuth,
  type RequestAuthOptions,
  type Session,
  type SessionRequirement,
  sessionVary,
} from "@authio/node";
import type { NextFunction, Request, RequestHandler, Response } from "express";

declare global {
  namespace Express {
    interface Request {
      /**
       * The verified Authio session, or `null` when the request is anonymous or its token was refused.
       * Set by `authenticate()` and read-only: nothing else on the request can replace it. Behind
       * `requireSession()`, `getSession(req)` returns it typed as a non-null `Session`.
       */
      readonly auth: import("@authio/node").Session | null;
    }
  }
}

export type { RequestAuthOptions, Session, SessionRequirement } from "@authio/node";

/**
 * Options of `authenticate()` and `authRoutes()`: the client, and the browser lifecycle options
 * (`paths`, `afterSignOut`, `allowedOrigins`, `refreshLeeway`). Give both the same values.
 */
export interface AuthenticateOptions extends RequestAuthOptions {
  /**
   * The app's Authio client (it holds the JWKS cache). Default: one client built from the
   * environment (`AUTHIO_SECRET_KEY`, `AUTHIO_API_URL`) on the first request, then shared by every
   * `authenticate()` and `authRoutes()` of the process.
   */
  authio?: Authio | undefined;
}

export type AuthRoutesOptions = AuthenticateOptions;

let envClient: Authio | undefined;
/** The client built from the environment: one per process, never one per request. */
function defaultClient(): Authio {
  envClient ??= new Authio();
  return envClient;
}

/** The decision of each request, kept where no other code can reach it. */
const results = new WeakMap<object, AuthResult>();
/** The `RequestAuth` that authenticated each request, for `switchOrganization()` and `signOut()`. */
const requestAuths = new WeakMap<object, RequestAuth>();

/** One `RequestAuth` per middleware, built from the app's client on the first request. */
function lazyRequestAuth(options: AuthenticateOptions): () => RequestAuth {
  const { authio, ...lifecycle } = options;
  let auth: RequestAuth | undefined;
  return () => {
    auth ??= (authio ?? defaultClient()).createRequestAuth(lifecycle);
    return auth;
  };
}

/**
 * The request as the core reads it. `originalUrl`, not `url`: inside a mounted router Express strips
 * the mount path from `req.url`, while the lifecycle `paths` (and the callback URL sent to Authio)
 * are paths from the site root.
 */
function authRequest(req: Request): AuthRequest {
  return fromNodeRequest(
    { method: req.method, url: req.originalUrl, rawHeaders: req.rawHeaders },
    req.protocol,
  );
}

/** Sends an answer of the core verbatim (status, repeated headers such as `Set-Cookie`, body). */
function send(res: Response, answer: AuthResponse): void {
  res.status(answer.status);
  for (const [name, value] of answer.headers) res.append(name, value);
  res.end(answer.body ?? undefined);
}

function attach(req: Request, result: AuthResult): void {
  results.set(req, result);
  // Read-only and non-configurable: assigning `req.auth` elsewhere throws (strict mode) or is ignored,
  // redefining it throws, and a property planted before this middleware is replaced. A data property:
  // no getter closure per request.
  Object.defineProperty(req, "auth", {
    value: result.session,
    writable: false,
    enumerable: true,
    configurable: false,
  });
}

/** What every answer the middleware saw carries (see `@authio/node`'s cache-headers rules). */
function markSessionDependent(res: Response): void {
  if (!res.headersSent) {
    if (!res.getHeader("cache-control")) res.setHeader("cache-control", "private");
    res.setHeader("vary", sessionVary(res.getHeader("vary")));
  }
}

type HeaderValue = Parameters<typeof privateCacheControl>[0];

/** The value a guarded answer carries for header `name` (lower case), or `undefined`: left as set. */
function sealedValue(name: string, value: HeaderValue): string | undefined {
  if (name === "cache-control") return privateCacheControl(value);
  if (name === "vary") return sessionVary(value);
  return undefined;
}

/**
 * A guarded route's answer is that user's own: whatever the route sets, it goes out `private` and
 * varying on `Authorization, Cookie`. The route has its say first, so this runs when the headers are
 * written (every Express send ends in `writeHead`), also rewriting headers passed to `writeHead` itself.
 * The wrapper is the response's only new property (as `on-headers` does it) and, in the usual case,
 * one shared function: nothing is allocated per request.
 */
function sealSessionHeaders(res: Response): void {
  if (!Object.hasOwn(res, "writeHead")) {
    // The usual case: nothing wrapped `writeHead` yet, so one shared function can call the prototype's.
    res.writeHead = sealedWriteHead as typeof res.writeHead;
    return;
  }
  const writeHead = res.writeHead as (...args: unknown[]) => Response;
  if (writeHead === sealedWriteHead || writeHead.name === "authioSealedWriteHead") return; // sealed already
  res.writeHead = function authioSealedWriteHead(this: Response, ...args: unknown[]) {
    sealHeaders(this, args);
    return writeHead.apply(this, args);
  } as typeof res.writeHead;
}

function sealedWriteHead(this: Response, ...args: unknown[]): Response {
  sealHeaders(this, args);
  const writeHead = Object.getPrototypeOf(this).writeHead as (...a: unknown[]) => Response;
  return writeHead.apply(this, args);
}

function sealHeaders(res: Response, args: unknown[]): void {
  // Set only when they change: the middleware's own values (the usual case) stand as they are.
  const cacheControl = res.getHeader("cache-control");
  const privateValue = privateCacheControl(cacheControl);
  if (privateValue !== cacheControl) res.setHeader("cache-control", privateValue);
  const vary = res.getHeader("vary");
  const varyValue = sessionVary(vary);
  if (varyValue !== vary) res.setHeader("vary", varyValue);
  const headers = args[typeof args[1] === "string" ? 2 : 1];
  if (Array.isArray(headers)) {
    // Raw [name, value, name, value, …], or [name, value] pairs.
    for (let i = 0; i < headers.length; i++) {
      const entry = headers[i];
      if (Array.isArray(entry)) {
        const value = sealedValue(String(entry[0]).toLowerCase(), entry[1]);
        if (value !== undefined) entry[1] = value;
      } else if (i % 2 === 0) {
        const value = sealedValue(String(entry).toLowerCase(), headers[i + 1]);
        if (value !== undefined) headers[i + 1] = value;
      }
    }
  } else if (headers !== null && typeof headers === "object") {
    const record = headers as Record<string, HeaderValue>;
    for (const name of Object.keys(record)) {
      const value = sealedValue(name.toLowerCase(), record[name]);
      if (value !== undefined) record[name] = value;
    }
  }
}

/**
 * The authenticating middleware: reads the Bearer header or the `authio_session` cookie, verifies it
 * once per request and attaches `req.auth`. A cookie session whose access token has expired (or is
 * about to) is refreshed once — concurrent requests of a browser share one refresh — and the new
 * cookies are appended to the response. Cookie credentials on a cross-site unsafe request are
 * refused (a guard answers 403). It never blocks; put a guard on the routes that need a session.
 * Mount it once per app (`app.use(authenticate({ authio }))`); a second run on the same request is a
 * no-op.
 */
export function authenticate(options: AuthenticateOptions = {}): RequestHandler {
  const requestAuth = lazyRequestAuth(options);
  return function authioAuthenticate(req: Request, res: Response, next: NextFunction): void {
    if (results.has(req)) {
      next();
      return;
    }
    let auth: RequestAuth;
    try {
      auth = requestAuth();
    } catch (err) {
      next(err);
      return;
    }
    auth
      .authenticate(authRequest(req))
      .then(({ result, setCookies }) => {
        attach(req, result);
        requestAuths.set(req, auth);
        markSessionDependent(res);
        for (const cookie of setCookies) res.append("Set-Cookie", cookie);
        next();
      })
      .catch(next);
  };
}

/**
 * The browser lifecycle routes, as one middleware (`app.use(authRoutes({ authio }))`):
 * `GET /auth/sign-in?return_to=/path` (redirects to the hosted sign-in page), `GET /auth/callback`
 * (sets `authio_session` and `authio_refresh`), `POST /auth/sign-out` (revokes the session, clears
 * both cookies) and `POST /auth/switch-organization?organization_id=org_…` (sets the new
 * `authio_session`). Paths are configurable (`paths`); every other request goes to `next()`.
 */
export function authRoutes(options: AuthRoutesOptions = {}): RequestHandler {
  const requestAuth = lazyRequestAuth(options);
  return function authioRoutes(req: Request, res: Response, next: NextFunction): void {
    let auth: RequestAuth;
    try {
      auth = requestAuth();
    } catch (err) {
      next(err);
      return;
    }
    auth
      .handle(authRequest(req))
      .then((answer) => {
        if (answer === null) next();
        else send(res, answer);
      })
      .catch(next);
  };
}

function requestAuthOf(req: Request, helper: string): RequestAuth {
  const auth = requestAuths.get(req);
  if (!auth) throw new Error(`@authio/express: mount authenticate() before using ${helper}().`);
  return auth;
}

/**
 * For a custom route: switches the signed-in session to `organizationId` (`sessions.switchOrg`) and
 * answers with the new `authio_session` cookie in the same response — JSON `{ session }` to
 * `Accept: application/json`, else a 303 redirect to `?return_to` (local paths only, default `/`).
 * Refusals: 401 (not signed in), 403 (not a member, or a cross-site request), 400, 503.
 * Needs `authenticate()` before the route.
 */
export async function switchOrganization(req: Request, res: Response, organizationId: string): Promise<void> {
  const auth = requestAuthOf(req, "switchOrganization");
  send(res, await auth.switchOrganization(authRequest(req), organizationId));
}

/**
 * For a custom route: revokes the session, clears both cookies and redirects (303) to
 * `afterSignOut`. Cross-site requests get 403. Needs `authenticate()` before the route.
 */
export async function signOut(req: Request, res: Response): Promise<void> {
  const auth = requestAuthOf(req, "signOut");
  send(res, await auth.signOut(authRequest(req)));
}

/**
 * A guard: lets the request through when `authenticate()` found a session meeting `requirement`;
 * otherwise answers the core's decision itself — 401 (no or bad credentials), 400 (several
 * Authorization headers), 403 (organization, role or permission missing), 503 (keys unavailable).
 * CORS preflights pass untouched.
 */
export function requireSession(requirement: SessionRequirement = {}): RequestHandler {
  return function authioRequireSession(req: Request, res: Response, next: NextFunction): void {
    const result = results.get(req);
    if (result === undefined) {
      next(new Error("@authio/express: mount authenticate() before requireSession()."));
      return;
    }
    const outcome = authorize(result, requirement, {
      method: req.method,
      accessControlRequestMethod: req.headers["access-control-request-method"],
    });
    if (outcome.action === "deny") {
      const { status, headers, body } = outcome.response;
      res.status(status).set(headers).send(JSON.stringify(body));
      return;
    }
    if (outcome.action === "allow") sealSessionHeaders(res);
    next();
  };
}

/** Requires a selected organization — any, or the one named. */
export const requireOrganization = (organization: string | true = true): RequestHandler =>
  requireSession({ organization });

/** Requires one of these roles (in the session's organization). */
export const requireRole = (...roles: [string, ...string[]]): RequestHandler =>
  requireSession({ role: roles });

/** Requires every one of these permissions (in the session's organization). */
export const requirePermission = (...permissions: [string, ...string[]]): RequestHandler =>
  requireSession({ permission: permissions });

/**
 * The session of a request a guard let through, typed `Session` (no `null` check, no cast). Throws
 * (to Express's error handling: a 500) if called on a request without a session — a route missing
 * its guard. On optional-auth routes read `req.auth` instead.
 */
export function getSession(req: Request): Session {
  const session = results.get(req)?.session;
  if (!session) {
    throw new Error("@authio/express: getSession() on a request without a session; add requireSession().");
  }
  return session;
}

/** The full authentication result of a request (`status`, and `reason` for logs), if `authenticate()` ran. */
export function getAuthResult(req: Request): AuthResult | undefined {
  return results.get(req);
}
