/**
 * Authio for Hono, on every runtime Hono runs on: `authenticate()` verifies the request once and sets
 * the read-only variable `session` (`c.var.session: Session | null`); guards answer 400/401/403/503
 * exactly as the core decides and narrow `c.var.session` to `Session` for the handlers after them.
 */
import {
  Authio,
  type AuthioOptions,
  type AuthResult,
  authorize,
  type Session,
  type SessionRequirement,
} from "@authio/node";
import type { Context, MiddlewareHandler } from "hono";

export type { Session, SessionRequirement } from "@authio/node";

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

export interface AuthenticateOptions {
  /**
   * The app's Authio client (it holds the JWKS cache). Default: one client built on the first
   * request from `AUTHIO_SECRET_KEY` / `AUTHIO_API_URL` — read from the bindings (`c.env`, as on
   * Cloudflare Workers) when present, else from the process environment — then shared by every
   * `authenticate()` with the same configuration.
   */
  authio?: Authio | undefined;
}

/** The decision of each request, keyed by its context, where no other code can reach it. */
const results = new WeakMap<Context, AuthResult>();

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

function markSessionDependent(headers: Headers): void {
  if (!headers.has("cache-control")) headers.set("cache-control", "private");
  const names = (headers.get("vary") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const lower = names.map((n) => n.toLowerCase());
  if (lower.includes("*")) return;
  for (const add of ["Authorization", "Cookie"]) if (!lower.includes(add.toLowerCase())) names.push(add);
  headers.set("vary", names.join(", "));
}

/**
 * The authenticating middleware: reads `Authorization: Bearer …` or the `authio_session` cookie (the
 * header wins; a bad header never falls back to the cookie), verifies it once and sets
 * `c.var.session`. It never blocks. Responses get `Cache-Control: private` (unless set) and
 * `Vary: Authorization, Cookie`.
 */
export function authenticate(options: AuthenticateOptions = {}): MiddlewareHandler<AuthioEnv> {
  let client = options.authio;
  return async function authioAuthenticate(c, next) {
    if (results.has(c)) return next();
    client ??= defaultClient(bindingOptions(c.env));
    // Fetch `Headers` (and @hono/node-server's) join several Authorization headers with ", ",
    // which the core refuses as ambiguous.
    const result = await client.authenticateRequest(c.req.raw.headers);
    results.set(c, result);
    c.set("session", result.session);
    Object.defineProperty(c, "set", {
      value: (
        (set) => (key: string, value: unknown) =>
          key === "session" ? readOnly() : set(key, value)
      )(c.set as (key: string, value: unknown) => void),
      configurable: false,
      writable: false,
    });
    await next();
    try {
      markSessionDependent(c.res.headers);
    } catch {
      // An immutable Response (a proxied fetch): leave it as it is.
    }
  };
}

/**
 * A guard: lets the request through when `authenticate()` found a session meeting `requirement`, and
 * then `c.var.session` is typed `Session`; otherwise answers the core's decision — 401, 400 (several
 * Authorization headers), 403 (`insufficient_scope`) or 503 (keys unavailable). CORS preflights pass.
 */
export function requireSession(requirement: SessionRequirement = {}): MiddlewareHandler<AuthioGuardedEnv> {
  return async function authioRequireSession(c, next) {
    const result = results.get(c);
    if (result === undefined) throw new Error("@authio/hono: use authenticate() before requireSession().");
    const outcome = authorize(result, requirement, {
      method: c.req.method,
      accessControlRequestMethod: c.req.header("access-control-request-method"),
    });
    if (outcome.action !== "deny") return next();
    const { status, headers, body } = outcome.response;
    return new Response(JSON.stringify(body), { status, headers });
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
  return results.get(c);
}
