/**
 * Authio for Express 4 and 5: `authenticate()` attaches the verified session as `req.auth`
 * (`Session | null`, never blocks); `requireSession()` and its shorthands answer 400/401/403/503
 * exactly as the core decides. The decisions live in `@authio/node`; this file only translates.
 */
import { Authio, type AuthResult, authorize, type Session, type SessionRequirement } from "@authio/node";
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

export type { Session, SessionRequirement } from "@authio/node";

export interface AuthenticateOptions {
  /**
   * The app's Authio client (it holds the JWKS cache). Default: one client built from the
   * environment (`AUTHIO_SECRET_KEY`, `AUTHIO_API_URL`) on the first request, then shared by every
   * `authenticate()` of the process.
   */
  authio?: Authio | undefined;
}

let envClient: Authio | undefined;
/** The client built from the environment: one per process, never one per request. */
function defaultClient(): Authio {
  envClient ??= new Authio();
  return envClient;
}

/** The decision of each request, kept where no other code can reach it. */
const results = new WeakMap<object, AuthResult>();

function attach(req: Request, result: AuthResult): void {
  results.set(req, result);
  // An accessor without a setter: assigning `req.auth` elsewhere throws (strict mode) or is ignored,
  // and a property planted before this middleware is replaced.
  Object.defineProperty(req, "auth", {
    get: () => result.session,
    enumerable: true,
    configurable: false,
  });
}

function markSessionDependent(res: Response): void {
  if (!res.headersSent) {
    if (!res.getHeader("cache-control")) res.setHeader("cache-control", "private");
    res.vary("Authorization");
    res.vary("Cookie");
  }
}

/**
 * The authenticating middleware: reads the Bearer header or the `authio_session` cookie, verifies it
 * once per request and attaches `req.auth`. It never blocks; put a guard on the routes that need a
 * session. Mount it once per app (`app.use(authenticate({ authio }))`); a second run on the same
 * request is a no-op.
 */
export function authenticate(options: AuthenticateOptions = {}): RequestHandler {
  let client = options.authio;
  return function authioAuthenticate(req: Request, res: Response, next: NextFunction): void {
    if (results.has(req)) {
      next();
      return;
    }
    try {
      client ??= defaultClient();
    } catch (err) {
      next(err);
      return;
    }
    client
      .authenticateRequest({
        // Node keeps only the first of several Authorization headers in `req.headers`.
        authorization: req.headersDistinct.authorization,
        cookie: req.headers.cookie,
      })
      .then((result) => {
        attach(req, result);
        markSessionDependent(res);
        next();
      })
      .catch(next);
  };
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
    } else next();
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
