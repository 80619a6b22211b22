import { type AuthioEnv, authenticate, requireRole, requireSession } from "@authio/hono";
import { Hono } from "hono";

const app = new Hono<AuthioEnv>();

// One Authio client for the app, built on the first request from AUTHIO_SECRET_KEY (and
// AUTHIO_API_URL), read from c.env bindings or the process environment. To pass your own:
// authenticate({ authio: new Authio({ apiKey }) }).
app.use(authenticate());

// Optional auth: c.var.session is the Session or null.
app.get("/", (c) => c.json({ signedIn: c.var.session !== null, userId: c.var.session?.userId ?? null }));

// 401 without a valid session; after the guard c.var.session is typed Session — no null check, no cast.
app.get("/me", requireSession(), (c) => {
  const { userId, orgId, role } = c.var.session;
  return c.json({ userId, orgId, role });
});

// 403 unless the session's organization role is admin.
app.delete("/members/:id", requireRole("admin"), (c) =>
  c.json({ removed: c.req.param("id"), by: c.var.session.userId }),
);

// Bun and Deno: `export default app`; Node: `serve(app)` from @hono/node-server.
export default app;
