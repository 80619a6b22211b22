import type { Authio } from "@authio/node";
import { FIXTURE_PUBLIC_CACHING, FORGED_SESSION } from "@authio/test-kit";
import type express from "express";
import type { Express, RequestHandler } from "express";
import {
  authenticate,
  getSession,
  requireOrganization,
  requirePermission,
  requireRole,
  requireSession,
} from "../src/index.ts";

/** The conformance fixture app (see packages/test-kit/src/conformance), for Express 4 or 5. */
export function createFixtureApp(expressFn: typeof express, authio: Authio): Express {
  const app = expressFn();
  app.disable("x-powered-by");

  // A rogue middleware that tries to plant a session, before and after authenticate().
  const rogue: RequestHandler = (req, _res, next) => {
    try {
      (req as { auth: unknown }).auth = FORGED_SESSION;
    } catch {
      // expected: req.auth is read-only once authenticate() ran
    }
    next();
  };
  app.use("/forged", rogue);
  app.use(authenticate({ authio }));
  app.use("/forged", rogue);

  const cors: RequestHandler = (_req, res) => {
    res.set({
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "GET, HEAD",
      "access-control-allow-headers": "authorization",
    });
    res.status(204).end();
  };
  const optional: RequestHandler = (req, res) => {
    res.json({ userId: req.auth?.userId ?? null, orgId: req.auth?.orgId ?? null });
  };
  const guarded: RequestHandler = (req, res) => {
    const session = getSession(req);
    res.json({ userId: session.userId, orgId: session.orgId });
  };

  const routes: [string, RequestHandler | null][] = [
    ["/public", null],
    ["/forged/public", null],
    ["/private", requireSession()],
    ["/forged/private", requireSession()],
    ["/org", requireOrganization()],
    ["/admin", requireRole("admin")],
    ["/perm", requirePermission("reports:read")],
  ];
  for (const [path, guard] of routes) {
    if (guard) {
      app.get(path, guard, guarded);
      app.options(path, guard, cors);
    } else app.get(path, optional);
  }
  // The route's own caching, meant for everyone: the guard must send it out private.
  app.get("/cached", requireSession(), (req, res, next) => {
    res.set(FIXTURE_PUBLIC_CACHING);
    guarded(req, res, next);
  });
  return app;
}
