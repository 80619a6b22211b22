import type { Session } from "@authio/node";
import { Hono } from "hono";
import { expectTypeOf, test } from "vitest";
import {
  type AuthioEnv,
  type AuthioVariables,
  authenticate,
  authRoutes,
  requireOrganization,
  requirePermission,
  requireRole,
  requireSession,
  signOut,
  switchOrganization,
} from "../src/index.ts";

test("c.var.session is Session | null behind authenticate()", () => {
  const app = new Hono<AuthioEnv>();
  app.use(authenticate());
  app.get("/", (c) => {
    expectTypeOf(c.var.session).toEqualTypeOf<Session | null>();
    expectTypeOf(c.get("session")).toEqualTypeOf<Session | null>();
    return c.json({ userId: c.var.session?.userId ?? null });
  });
});

test("after a guard, c.var.session is a Session: zero casts", () => {
  const app = new Hono<AuthioEnv>();
  app.get("/me", requireSession(), (c) => {
    expectTypeOf(c.var.session).toEqualTypeOf<Session>();
    expectTypeOf(c.get("session").orgId).toEqualTypeOf<string | null>();
    return c.json({ userId: c.var.session.userId });
  });
  app.get("/org", requireOrganization(), requireRole("admin", "owner"), requirePermission("a:b"), (c) =>
    c.text(c.var.session.role ?? ""),
  );
  // Without declaring AuthioEnv on the app, the guard alone types the handler.
  new Hono().get("/x", requireSession({ permission: ["x"] }), (c) => {
    expectTypeOf(c.var.session).toEqualTypeOf<Session>();
    return c.text(c.var.session.userId);
  });
});

test("guard arguments are checked", () => {
  // @ts-expect-error at least one role
  requireRole();
  // @ts-expect-error a requirement object
  requireSession("admin");
});

test("AuthioVariables merges into an app's own Variables", () => {
  type Env = { Variables: AuthioVariables & { requestId: string }; Bindings: { DB: string } };
  const app = new Hono<Env>();
  app.use(authenticate());
  app.get("/", requireRole("admin"), (c) => {
    expectTypeOf(c.var.requestId).toEqualTypeOf<string>();
    expectTypeOf(c.var.session).toEqualTypeOf<Session>();
    expectTypeOf(c.env.DB).toEqualTypeOf<string>();
    return c.text("");
  });
});

test("lifecycle: options on authenticate() and authRoutes(); helpers return a Response to return", () => {
  const app = new Hono<AuthioEnv>();
  const options = {
    paths: { signIn: "/login", callback: "/login/callback" },
    afterSignOut: "/bye",
    allowedOrigins: ["https://admin.example.com"],
    refreshLeeway: 60,
  };
  app.use(authRoutes(options), authenticate(options));
  // @ts-expect-error unknown lifecycle path
  authRoutes({ paths: { signUp: "/x" } });
  // @ts-expect-error seconds, a number
  authenticate({ refreshLeeway: "60" });
  // @ts-expect-error the client option is an Authio
  authRoutes({ authio: {} });
  app.post("/orgs/:id", (c) => {
    expectTypeOf(switchOrganization(c, c.req.param("id"))).toEqualTypeOf<Promise<Response>>();
    return switchOrganization(c, c.req.param("id"));
  });
  app.post("/logout", requireSession(), (c) => {
    expectTypeOf(signOut(c)).toEqualTypeOf<Promise<Response>>();
    return signOut(c);
  });
  // @ts-expect-error an organization id
  app.post("/x", (c) => switchOrganization(c));
});
