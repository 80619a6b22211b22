import type { Session } from "@authio/node";
import express from "express";
import { expectTypeOf, test } from "vitest";
import {
  authenticate,
  getSession,
  requireOrganization,
  requirePermission,
  requireRole,
  requireSession,
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
