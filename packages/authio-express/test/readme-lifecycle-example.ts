import { authenticate, authRoutes, switchOrganization } from "@authio/express";
import { Authio } from "@authio/node";
import express from "express";

const authio = new Authio(); // AUTHIO_SECRET_KEY, AUTHIO_API_URL
const app = express();

// GET /auth/sign-in, GET /auth/callback, POST /auth/sign-out, POST /auth/switch-organization.
app.use(authRoutes({ authio }));
// req.auth, refreshing an expiring cookie session by itself (new cookies set on the response).
app.use(authenticate({ authio }));

app.get("/", (req, res) => {
  res.type("html").send(
    req.auth
      ? `<p>${req.auth.userId} in ${req.auth.orgId}</p>
         <form method="post" action="/auth/switch-organization?organization_id=org_123&return_to=/">
           <button>Switch organization</button></form>
         <form method="post" action="/auth/sign-out"><button>Sign out</button></form>`
      : `<a href="/auth/sign-in?return_to=/">Sign in</a>`,
  );
});

// From your own route: the new session cookie in the same response (JSON for Accept: application/json;
// 401 when signed out, 403 when not a member or cross-site).
app.post("/orgs/:id/select", (req, res, next) => {
  switchOrganization(req, res, req.params.id).catch(next);
});

export const server = app.listen(Number(process.env.PORT ?? 3000));
