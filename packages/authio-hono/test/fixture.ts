// The conformance fixture app (see packages/test-kit/src/conformance) on Hono. Runtime-neutral: the
// Node tests serve it with @hono/node-server, test/runtimes/conformance.ts with Bun.serve / Deno.serve.
import type { Authio } from "@authio/node";
import { Hono, type MiddlewareHandler } from "hono";
import { FIXTURE_PUBLIC_CACHING, FORGED_SESSION } from "../../test-kit/src/conformance/fixture.ts";
import {
  type AuthioEnv,
  authenticate,
  requireOrganization,
  requirePermission,
  requireRole,
  requireSession,
} from "../src/index.ts";

export function createFixtureApp(authio: Authio): Hono<AuthioEnv> {
  const app = new Hono<AuthioEnv>();

  // A rogue middleware that tries to plant a session, before and after authenticate().
  const rogue: MiddlewareHandler = async (c, next) => {
    try {
      c.set("session", FORGED_SESSION);
    } catch {
      // expected after authenticate(): the variable is read-only
    }
    await next();
  };
  app.use("/forged/*", rogue);
  app.use(authenticate({ authio }));
  app.use("/forged/*", rogue);

  app.get("/public", (c) =>
    c.json({ userId: c.var.session?.userId ?? null, orgId: c.var.session?.orgId ?? null }),
  );
  app.get("/forged/public", (c) =>
    c.json({ userId: c.var.session?.userId ?? null, orgId: c.var.session?.orgId ?? null }),
  );

  const guards: [string, MiddlewareHandler<{ Variables: { session: import("@authio/node").Session } }>][] = [
    ["/private", requireSession()],
    ["/forged/private", requireSession()],
    ["/org", requireOrganization()],
    ["/admin", requireRole("admin")],
    ["/perm", requirePermission("reports:read")],
  ];
  for (const [path, guard] of guards) {
    // Behind the guard c.var.session is a Session: no null check.
    app.get(path, guard, (c) => c.json({ userId: c.var.session.userId, orgId: c.var.session.orgId }));
    app.options(path, guard, (c) =>
      c.body(null, 204, {
        "access-control-allow-origin": "*",
        "access-control-allow-methods": "GET, HEAD",
        "access-control-allow-headers": "authorization",
      }),
    );
  }
  // The route's own caching, meant for everyone: the guard must send it out private.
  app.get("/cached", requireSession(), (c) =>
    c.json({ userId: c.var.session.userId, orgId: c.var.session.orgId }, 200, FIXTURE_PUBLIC_CACHING),
  );
  return app;
}
