import { type AuthioEnv, authenticate, authRoutes, switchOrganization } from "@authio/hono";
import { Hono } from "hono";

const app = new Hono<AuthioEnv>();

// GET /auth/sign-in, GET /auth/callback, POST /auth/sign-out, POST /auth/switch-organization.
// Mount it before authenticate(), which sets c.var.session and refreshes an expiring cookie session
// by itself (the new cookies are set on whatever answers the request).
app.use(authRoutes());
app.use(authenticate());

app.get("/", (c) => {
  const session = c.var.session;
  return c.html(
    session
      ? `<p>${session.userId} in ${session.orgId}</p>
         <form method="post" action="/auth/switch-organization?organization_id=org_123&return_to=/">
           <button>Switch organization</button></form>
         <form method="post" action="/auth/sign-out"><button>Sign out</button></form>`
      : `<a href="/auth/sign-in?return_to=/">Sign in</a>`,
  );
});

// From your own route: the new session cookie in the same response (JSON for Accept: application/json;
// 401 when signed out, 403 when not a member or cross-site). signOut(c) likewise.
app.post("/orgs/:id/select", (c) => switchOrganization(c, c.req.param("id")));

export default app;
