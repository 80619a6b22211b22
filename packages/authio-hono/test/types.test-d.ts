import type { Session } from "@authio/node";
import { Hono } from "hono";
import { expectTypeOf, test } from "vitest";
import {
  type AuthioEnv,
  type AuthioVariables,
  authenticate,
  requireOrganization,
  requirePermission,
  requireRole,
  requireSession,
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
