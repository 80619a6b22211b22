import { authio, getSession, requireRole } from "@authio/fastify";
import Fastify from "fastify";

const app = Fastify();

// One Authio client for the app, built from AUTHIO_SECRET_KEY (and AUTHIO_API_URL) at registration.
// To pass your own: app.register(authio, { authio: new Authio({ apiKey }) }).
await app.register(authio);

// Optional auth: request.auth is the Session or null.
app.get("/", async (request) => ({ signedIn: request.auth !== null, userId: request.auth?.userId ?? null }));

// A route option guard: 401 without a valid session, checked before the body is read.
app.get("/me", { config: { authio: true } }, async (request) => {
  const session = getSession(request); // typed Session: no null check, no cast
  return { userId: session.userId, orgId: session.orgId, role: session.role };
});

// A preHandler guard: 403 unless the session's organization role is admin.
app.delete<{ Params: { id: string } }>(
  "/members/:id",
  { preHandler: requireRole("admin") },
  async (request) => {
    const session = getSession(request);
    return { removed: request.params.id, by: session.userId };
  },
);

export const address = await app.listen({ port: Number(process.env.PORT ?? 3000) });
export { app };
