import { authio, switchOrganization } from "@authio/fastify";
import Fastify from "fastify";

const app = Fastify();

// Also registers GET /auth/sign-in, GET /auth/callback, POST /auth/sign-out and
// POST /auth/switch-organization (routes: false to opt out), and refreshes an expiring cookie
// session in onRequest (new cookies set on the reply).
await app.register(authio);

app.get("/", async (request, reply) =>
  reply.type("text/html").send(
    request.auth
      ? `<p>${request.auth.userId} in ${request.auth.orgId}</p>
         <form method="post" action="/auth/switch-organization?organization_id=org_123&return_to=/">
           <button>Switch organization</button></form>
         <form method="post" action="/auth/sign-out"><button>Sign out</button></form>`
      : `<a href="/auth/sign-in?return_to=/">Sign in</a>`,
  ),
);

// From your own route: the new session cookie in the same reply (JSON for Accept: application/json;
// 401 when signed out, 403 when not a member or cross-site).
app.post<{ Params: { id: string } }>("/orgs/:id/select", (request, reply) =>
  switchOrganization(request, reply, request.params.id),
);

export const address = await app.listen({ port: Number(process.env.PORT ?? 3000) });
export { app };
