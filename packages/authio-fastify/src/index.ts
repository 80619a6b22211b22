/**
 * Authio for Fastify 5: a plugin that authenticates every request in `onRequest` and decorates it with
 * the read-only `request.auth: Session | null`; guards as `preHandler` (`requireSession()` …) or as a
 * route option (`config: { authio: { role: "admin" } }`). The decisions live in `@authio/node`.
 */

import { Authio, type AuthResult, authorize, type Session, type SessionRequirement } from "@authio/node";
import fastifyCookie from "@fastify/cookie";
import type {
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  preHandlerHookHandler,
} from "fastify";
import fp from "fastify-plugin";

declare module "fastify" {
  interface FastifyRequest {
    /**
     * The verified Authio session, or `null` (anonymous, or a refused token). Read-only: assigning it
     * throws. Behind a guard, `getSession(request)` returns it typed as a non-null `Session`.
     */
    readonly auth: import("@authio/node").Session | null;
  }
  interface FastifyContextConfig {
    /**
     * Guard this route: `true` requires a session; an object also requires an organization, a role
     * or a permission. Checked in `onRequest`, before the body is read.
     */
    authio?: boolean | import("@authio/node").SessionRequirement;
  }
}

export type { Session, SessionRequirement } from "@authio/node";

export interface AuthioPluginOptions {
  /**
   * The app's Authio client (it holds the JWKS cache). Default: one client built from the environment
   * (`AUTHIO_SECRET_KEY`, `AUTHIO_API_URL`) when the plugin is first registered, then shared by every
   * registration in the process.
   */
  authio?: Authio | undefined;
}

let envClient: Authio | undefined;
/** The client built from the environment: one per process, never one per request. */
function defaultClient(): Authio {
  envClient ??= new Authio();
  return envClient;
}

const kResult = Symbol("authio.result");
interface WithResult {
  [kResult]: AuthResult | null;
}
const resultOf = (request: FastifyRequest): AuthResult | null =>
  (request as unknown as WithResult)[kResult] ?? null;

function mergeVary(current: unknown): string {
  const existing = Array.isArray(current) ? current.join(", ") : typeof current === "string" ? current : "";
  const names = existing
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.includes("*")) return "*";
  const lower = names.map((n) => n.toLowerCase());
  for (const add of ["Authorization", "Cookie"]) if (!lower.includes(add.toLowerCase())) names.push(add);
  return names.join(", ");
}

/** Answers the guard's decision; returns true when it sent a denial. */
function guard(request: FastifyRequest, reply: FastifyReply, requirement: SessionRequirement): boolean {
  const result = resultOf(request);
  if (result === null) throw new Error("@authio/fastify: register the plugin before using its guards.");
  const outcome = authorize(result, requirement, {
    method: request.method,
    accessControlRequestMethod: request.headers["access-control-request-method"],
  });
  if (outcome.action !== "deny") return false;
  const { status, headers, body } = outcome.response;
  reply.code(status).headers(headers).send(JSON.stringify(body));
  return true;
}

const plugin: FastifyPluginAsync<AuthioPluginOptions> = async (fastify, options) => {
  const client = options.authio ?? defaultClient();
  if (!fastify.hasRequestDecorator("cookies")) await fastify.register(fastifyCookie);

  fastify.decorateRequest(kResult, null);
  fastify.decorateRequest("auth", {
    getter(this: FastifyRequest) {
      return resultOf(this)?.session ?? null;
    },
  });

  const onRequest: onRequestHookHandler = (request, reply, done) => {
    client
      .authenticateRequest({
        // Node keeps only the first of several Authorization headers in `headers`.
        authorization: request.raw.headersDistinct.authorization,
        cookie: request.headers.cookie,
      })
      .then((result) => {
        (request as unknown as WithResult)[kResult] = result;
        if (!reply.hasHeader("cache-control")) reply.header("cache-control", "private");
        reply.header("vary", mergeVary(reply.getHeader("vary")));
        const requirement = request.routeOptions.config.authio;
        if (requirement && guard(request, reply, requirement === true ? {} : requirement)) return;
        done();
      })
      .catch(done);
  };
  fastify.addHook("onRequest", onRequest);
};

/**
 * The plugin: `await app.register(authio, { authio: client })`. Wrapped with `fastify-plugin`, so
 * `request.auth` and the hook apply to the whole app. Registers `@fastify/cookie` if the app has not.
 */
export const authio = fp(plugin, { fastify: "5.x", name: "@authio/fastify" });

/**
 * A `preHandler` guard: passes when the request has a session meeting `requirement`; otherwise sends
 * the core's answer — 401, 400 (several Authorization headers), 403 (`insufficient_scope`) or 503
 * (keys unavailable). CORS preflights pass.
 */
export function requireSession(requirement: SessionRequirement = {}): preHandlerHookHandler {
  return function authioRequireSession(request, reply, done) {
    if (!guard(request, reply, requirement)) done();
  };
}

/** Requires a selected organization — any, or the one named. */
export const requireOrganization = (organization: string | true = true): preHandlerHookHandler =>
  requireSession({ organization });

/** Requires one of these roles (in the session's organization). */
export const requireRole = (...roles: [string, ...string[]]): preHandlerHookHandler =>
  requireSession({ role: roles });

/** Requires every one of these permissions (in the session's organization). */
export const requirePermission = (...permissions: [string, ...string[]]): preHandlerHookHandler =>
  requireSession({ permission: permissions });

/**
 * The session of a request a guard let through, typed `Session` (no `null` check, no cast). Throws
 * (a 500 through Fastify's error handler) on a request without a session — a route missing its guard.
 */
export function getSession(request: FastifyRequest): Session {
  const session = resultOf(request)?.session;
  if (!session) {
    throw new Error("@authio/fastify: getSession() on a request without a session; guard the route.");
  }
  return session;
}

/** The full authentication result (`status`, and the refusal `reason` for logs). */
export function getAuthResult(request: FastifyRequest): AuthResult | null {
  return resultOf(request);
}
