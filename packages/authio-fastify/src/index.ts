/**
 * Authio for Fastify 5: a plugin that authenticates every request in `onRequest` (refreshing an
 * expiring cookie session transparently) and decorates it with the read-only
 * `request.auth: Session | null`; guards as `preHandler` (`requireSession()` …) or as a route option
 * (`config: { authio: { role: "admin" } }`); the browser lifecycle routes (sign-in, callback,
 * sign-out, switch organization). The decisions live in `@authio/node` (`RequestAuth`).
 */

import {
  Authio,
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
import fastifyCookie from "@fastify/cookie";
import type {
  FastifyContextConfig,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  preHandlerHookHandler,
  RouteHandlerMethod,
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

export type { RequestAuthOptions, Session, SessionRequirement } from "@authio/node";

/** The plugin's options: the client, the lifecycle options (`paths`, `afterSignOut`, `allowedOrigins`, `refreshLeeway`) and `routes`. */
export interface AuthioPluginOptions extends RequestAuthOptions {
  /**
   * The app's Authio client (it holds the JWKS cache). Default: one client built from the environment
   * (`AUTHIO_SECRET_KEY`, `AUTHIO_API_URL`) when the plugin is first registered, then shared by every
   * registration in the process.
   */
  authio?: Authio | undefined;
  /**
   * Register the lifecycle routes: `GET /auth/sign-in`, `GET /auth/callback`, `POST /auth/sign-out`,
   * `POST /auth/switch-organization` (paths from `paths`). Default `true`.
   */
  routes?: boolean | undefined;
}

let envClient: Authio | undefined;
/** The client built from the environment: one per process, never one per request. */
function defaultClient(): Authio {
  envClient ??= new Authio();
  return envClient;
}

const kResult = Symbol("authio.result");
const kRequestAuth = Symbol("authio.requestAuth");
const kLifecycleRoute = Symbol("authio.lifecycleRoute");
interface WithRequestAuth {
  [kRequestAuth]?: RequestAuth;
}
interface WithResult {
  [kResult]: AuthResult | null;
}
/** Set on a request a guard let through: its reply is that user's own (see the onSend hook). */
const kGuarded = Symbol("authio.guarded");
interface Guarded {
  [kGuarded]: boolean;
}
const resultOf = (request: FastifyRequest): AuthResult | null =>
  (request as unknown as WithResult)[kResult] ?? null;

/** Answers the guard's decision; returns true when it sent a denial. */
function guard(request: FastifyRequest, reply: FastifyReply, requirement: SessionRequirement): boolean {
  const result = resultOf(request);
  if (result === null) throw new Error("@authio/fastify: register the plugin before using its guards.");
  const outcome = authorize(result, requirement, {
    method: request.method,
    accessControlRequestMethod: request.headers["access-control-request-method"],
  });
  if (outcome.action === "allow") (request as unknown as Guarded)[kGuarded] = true;
  if (outcome.action !== "deny") return false;
  const { status, headers, body } = outcome.response;
  reply.code(status).headers(headers).send(JSON.stringify(body));
  return true;
}

/** Sends an answer of the core verbatim; `set-cookie` lines are appended to those already set. */
function send(reply: FastifyReply, answer: AuthResponse): FastifyReply {
  reply.code(answer.status);
  for (const [name, value] of answer.headers) reply.header(name, value);
  return answer.body === null ? reply.send() : reply.send(answer.body);
}

const plugin: FastifyPluginAsync<AuthioPluginOptions> = async (fastify, options) => {
  const { authio: given, routes = true, ...lifecycle } = options;
  const client = given ?? defaultClient();
  const auth = client.createRequestAuth(lifecycle);
  if (!fastify.hasRequestDecorator("cookies")) await fastify.register(fastifyCookie);
  fastify.decorate(kRequestAuth, auth);

  fastify.decorateRequest(kResult, null);
  fastify.decorateRequest(kGuarded, false);
  fastify.decorateRequest("auth", {
    getter(this: FastifyRequest) {
      return resultOf(this)?.session ?? null;
    },
  });

  // The lifecycle routes authenticate by themselves (sign-out and switch read the session).
  const lifecycleRoute: RouteHandlerMethod = (request, reply) =>
    auth
      .handle(fromNodeRequest(request.raw, request.protocol))
      .then((answer) => (answer === null ? reply.callNotFound() : send(reply, answer)));

  const onRequest: onRequestHookHandler = (request, reply, done) => {
    if ((request.routeOptions.config as { [kLifecycleRoute]?: true })[kLifecycleRoute]) {
      done();
      return;
    }
    auth
      .authenticate(fromNodeRequest(request.raw, request.protocol))
      .then(({ result, setCookies }) => {
        (request as unknown as WithResult)[kResult] = result;
        if (!reply.hasHeader("cache-control")) reply.header("cache-control", "private");
        reply.header("vary", sessionVary(reply.getHeader("vary")));
        for (const cookie of setCookies) reply.header("set-cookie", cookie);
        const requirement = request.routeOptions.config.authio;
        if (requirement && guard(request, reply, requirement === true ? {} : requirement)) return;
        done();
      })
      .catch(done);
  };
  fastify.addHook("onRequest", onRequest);
  // A guarded route's reply is that user's own: whatever the handler set, it goes out `private` and
  // varying on Authorization and Cookie — sealed here, after the handler had its say.
  fastify.addHook("onSend", (request, reply, payload, done) => {
    if ((request as unknown as Guarded)[kGuarded]) {
      reply.header("cache-control", privateCacheControl(reply.getHeader("cache-control")));
      reply.header("vary", sessionVary(reply.getHeader("vary")));
    }
    done(null, payload);
  });

  if (routes) {
    // Marked so that onRequest skips them (Fastify binds handlers: no identity check).
    const config = { [kLifecycleRoute]: true } as FastifyContextConfig;
    const { signIn, callback, signOut, switchOrganization } = auth.paths;
    for (const [method, url] of [
      ["GET", signIn],
      ["GET", callback],
      ["POST", signOut],
      ["POST", switchOrganization],
    ] as const) {
      fastify.route({ method, url, config, handler: lifecycleRoute });
    }
  }
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

function requestAuthOf(request: FastifyRequest, helper: string): RequestAuth {
  const auth = (request.server as unknown as WithRequestAuth)[kRequestAuth];
  if (!auth) throw new Error(`@authio/fastify: register the plugin before using ${helper}().`);
  return auth;
}

/**
 * For a custom route: switches the signed-in session to `organizationId` (`sessions.switchOrg`) and
 * sends the new `authio_session` cookie in the same reply — JSON `{ session }` to
 * `Accept: application/json`, else a 303 redirect to `?return_to` (local paths only, default `/`).
 * Refusals: 401 (not signed in), 403 (not a member, or a cross-site request), 400, 503.
 * `return switchOrganization(request, reply, id)` from an async handler.
 */
export async function switchOrganization(
  request: FastifyRequest,
  reply: FastifyReply,
  organizationId: string,
): Promise<FastifyReply> {
  const auth = requestAuthOf(request, "switchOrganization");
  return send(
    reply,
    await auth.switchOrganization(fromNodeRequest(request.raw, request.protocol), organizationId),
  );
}

/**
 * For a custom route: revokes the session, clears both cookies and redirects (303) to `afterSignOut`.
 * Cross-site requests get 403. `return signOut(request, reply)` from an async handler.
 */
export async function signOut(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const auth = requestAuthOf(request, "signOut");
  return send(reply, await auth.signOut(fromNodeRequest(request.raw, request.protocol)));
}

/** The full authentication result (`status`, and the refusal `reason` for logs). */
export function getAuthResult(request: FastifyRequest): AuthResult | null {
  return resultOf(request);
}
