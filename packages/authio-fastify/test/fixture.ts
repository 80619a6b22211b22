import type { Authio } from "@authio/node";
import { FIXTURE_PUBLIC_CACHING, FORGED_SESSION } from "@authio/test-kit";
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type onRequestHookHandler,
  type RouteShorthandOptions,
} from "fastify";
import {
  authio as authioPlugin,
  getSession,
  requirePermission,
  requireRole,
  requireSession,
} from "../src/index.ts";

/** The conformance fixture app (see packages/test-kit/src/conformance) on Fastify 5. */
export async function createFixtureApp(authio: Authio): Promise<FastifyInstance> {
  const app = Fastify();

  // A rogue hook that tries to plant a session, before and after the plugin's hook.
  const rogue: onRequestHookHandler = (request, _reply, done) => {
    try {
      (request as { auth: unknown }).auth = FORGED_SESSION;
    } catch {
      // expected: request.auth has no setter
    }
    done();
  };
  app.addHook("onRequest", (request, reply, done) => {
    if (request.url.startsWith("/forged/")) rogue.call(app, request, reply, done);
    else done();
  });
  await app.register(authioPlugin, { authio });

  const optional = async (request: FastifyRequest) => ({
    userId: request.auth?.userId ?? null,
    orgId: request.auth?.orgId ?? null,
  });
  const guarded = async (request: FastifyRequest) => {
    const session = getSession(request);
    return { userId: session.userId, orgId: session.orgId };
  };
  const cors = async (_request: FastifyRequest, reply: FastifyReply) => {
    reply
      .headers({
        "access-control-allow-origin": "*",
        "access-control-allow-methods": "GET, HEAD",
        "access-control-allow-headers": "authorization",
      })
      .code(204)
      .send();
  };

  // Route options and preHandler guards, both exercised by the matrix.
  const routes: [string, RouteShorthandOptions | null][] = [
    ["/public", null],
    ["/forged/public", { onRequest: rogue }],
    ["/private", { config: { authio: true } }],
    ["/forged/private", { config: { authio: true }, onRequest: rogue }],
    ["/org", { config: { authio: { organization: true } } }],
    ["/admin", { preHandler: requireRole("admin") }],
    ["/perm", { preHandler: requirePermission("reports:read") }],
  ];
  for (const [path, opts] of routes) {
    if (opts?.config || opts?.preHandler) {
      app.get(path, opts, guarded);
      app.options(path, opts, cors);
    } else app.get(path, opts ?? {}, optional);
  }
  // The route's own caching, meant for everyone: the guard must send it out private.
  app.get("/cached", { preHandler: requireSession() }, async (request, reply) => {
    reply.headers(FIXTURE_PUBLIC_CACHING);
    return guarded(request);
  });
  await app.ready();
  return app;
}
