import type { Session } from "@authio/node";
import express from "express";
import { expectTypeOf, test } from "vitest";
import {
  authenticate,
  authRoutes,
  getSession,
  requireOrganization,
  requirePermission,
  requireRole,
  requireSession,
  signOut,
  switchOrganization,
} from "../src/index.ts";

test("req.auth is Session | null in every handler, read-only", () => {
  const app = express();
  app.use(authenticate());
  app.get("/", (req, res) => {
    expectTypeOf(req.auth).toEqualTypeOf<Session | null>();
    res.json({ userId: req.auth?.userId ?? null });
  });
  app.use((req, _res, next) => {
    // @ts-expect-error req.auth is read-only
    req.auth = null;
    next();
  });
});

test("behind a guard, getSession(req) is a Session: zero casts", () => {
  const app = express();
  app.get("/me", requireSession(), (req, res) => {
    const session = getSession(req);
    expectTypeOf(session).toEqualTypeOf<Session>();
    expectTypeOf(session.userId).toEqualTypeOf<string>();
    expectTypeOf(session.orgId).toEqualTypeOf<string | null>();
    res.json({ userId: session.userId });
  });
  app.get(
    "/org",
    requireOrganization(),
    requireRole("admin", "owner"),
    requirePermission("a:b"),
    (req, res) => {
      res.send(getSession(req).role);
    },
  );
  app.get("/org2", requireOrganization("org_1"), requireSession({ permission: ["x"] }), (_req, res) => {
    res.end();
  });
});

test("guard arguments are checked", () => {
  // @ts-expect-error at least one role
  requireRole();
  // @ts-expect-error a requirement object, not a string
  requireSession("admin");
  // @ts-expect-error the client option is an Authio
  authenticate({ authio: {} });
});

test("lifecycle: options on authenticate() and authRoutes(); helpers answer, returning a promise", () => {
  const app = express();
  const options = {
    paths: { signIn: "/login", callback: "/login/callback" },
    afterSignOut: "/bye",
    allowedOrigins: ["https://admin.example.com"],
    refreshLeeway: 60,
  };
  app.use(authRoutes(options), authenticate(options));
  // @ts-expect-error unknown lifecycle path
  authRoutes({ paths: { signUp: "/x" } });
  app.post("/orgs/:id", (req, res) => {
    expectTypeOf(switchOrganization(req, res, req.params.id)).toEqualTypeOf<Promise<void>>();
  });
  app.post("/logout", (req, res) => {
    expectTypeOf(signOut(req, res)).toEqualTypeOf<Promise<void>>();
  });
});
