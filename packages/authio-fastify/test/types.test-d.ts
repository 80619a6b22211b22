import type { Session, SessionRequirement } from "@authio/node";
import Fastify, { type FastifyReply } from "fastify";
import { expectTypeOf, test } from "vitest";
import {
  authio,
  getSession,
  requireOrganization,
  requirePermission,
  requireRole,
  requireSession,
  signOut,
  switchOrganization,
} from "../src/index.ts";

test("request.auth is Session | null in every handler and hook, read-only", async () => {
  const app = Fastify();
  await app.register(authio, { authio: undefined });
  app.addHook("preHandler", async (request) => {
    expectTypeOf(request.auth).toEqualTypeOf<Session | null>();
    // @ts-expect-error request.auth is read-only
    request.auth = null;
  });
  app.get("/", async (request) => {
    expectTypeOf(request.auth).toEqualTypeOf<Session | null>();
    return { userId: request.auth?.userId ?? null };
  });
});

test("behind a guard, getSession(request) is a Session: zero casts", () => {
  const app = Fastify();
  app.get("/me", { preHandler: requireSession() }, async (request) => {
    const session = getSession(request);
    expectTypeOf(session).toEqualTypeOf<Session>();
    expectTypeOf(session.orgId).toEqualTypeOf<string | null>();
    return { userId: session.userId };
  });
  app.get(
    "/org",
    { preHandler: [requireOrganization(), requireRole("admin", "owner"), requirePermission("a:b")] },
    async (request) => getSession(request).role,
  );
});

test("the route option is typed", () => {
  const app = Fastify();
  app.get("/a", { config: { authio: true } }, async () => "");
  app.get("/b", { config: { authio: { role: ["admin"], organization: "org_1" } } }, async () => "");
  app.get("/d", async (request) => {
    expectTypeOf(request.routeOptions.config.authio).toEqualTypeOf<
      boolean | SessionRequirement | undefined
    >();
  });
  // @ts-expect-error at least one role
  requireRole();
});

test("lifecycle: plugin options; helpers return the reply", async () => {
  const app = Fastify();
  await app.register(authio, {
    routes: false,
    paths: { signIn: "/login" },
    afterSignOut: "/bye",
    allowedOrigins: ["https://admin.example.com"],
    refreshLeeway: 60,
  });
  // @ts-expect-error unknown lifecycle path
  await app.register(authio, { paths: { signUp: "/x" } });
  app.post<{ Params: { id: string } }>("/orgs/:id", (request, reply) => {
    expectTypeOf(switchOrganization(request, reply, request.params.id)).toEqualTypeOf<
      Promise<FastifyReply>
    >();
    return switchOrganization(request, reply, request.params.id);
  });
  app.post("/logout", (request, reply) => signOut(request, reply));
});
