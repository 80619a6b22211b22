// A multi-tenant Fastify app on Authio. Configuration comes from the environment:
// AUTHIO_SECRET_KEY, AUTHIO_API_URL (the local server's URL in development) and PORT.
import {
  adminPage,
  forbiddenPage,
  homePage,
  type MemberRow,
  messagePage,
  type Notice,
  type Viewer,
} from "@authio/example-ui";
import { authio as authioPlugin, getSession, requireSession } from "@authio/fastify";
import { Authio, AuthioError } from "@authio/node";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";

const authio = new Authio(); // reads AUTHIO_SECRET_KEY and AUTHIO_API_URL
const app = Fastify({ logger: { level: "warn" } });

// HTML forms post application/x-www-form-urlencoded.
app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => {
  done(null, Object.fromEntries(new URLSearchParams(body as string)));
});

// Decorates request.auth (Session | null) from the session cookie or a Bearer header, refreshes an
// expiring cookie session by itself, and registers the session lifecycle routes: GET /auth/sign-in
// (to the hosted Authio page), GET /auth/callback, POST /auth/sign-out, POST /auth/switch-organization.
await app.register(authioPlugin, { authio });

type Form = Record<string, string | undefined>;

/**
 * Pages: a signed-out browser goes to the hosted sign-in page and comes back here. (Form posts use
 * requireSession() instead: 401 without a session, 403 for a cross-site post.)
 */
async function signedIn(request: FastifyRequest, reply: FastifyReply) {
  if (!request.auth) return reply.redirect(`/auth/sign-in?return_to=${encodeURIComponent(request.url)}`);
}

/** Pages for admins of the current organization; anyone else gets a clear 403 page. */
async function adminsOnly(request: FastifyRequest, reply: FastifyReply) {
  if (getSession(request).role !== "admin") {
    return reply
      .code(403)
      .type("text/html")
      .send(forbiddenPage(await viewer(request)));
  }
}

/** Who is signed in, and their organizations (Management API). */
async function viewer(request: FastifyRequest, notice?: Notice | null): Promise<Viewer> {
  const session = getSession(request);
  const [user, memberships] = await Promise.all([
    authio.users.get(session.userId),
    authio.users.listMemberships(session.userId),
  ]);
  return { framework: "Fastify", user, session, memberships, notice };
}

app.get<{ Querystring: { created?: string } }>("/", { preHandler: signedIn }, async (request, reply) => {
  const v = await viewer(request);
  const org = v.memberships.find((m) => m.organizationId === request.query.created)?.organization;
  const notice: Notice | null = org
    ? { kind: "success", text: `${org.name} is created: you are its admin.` }
    : null;
  return reply.type("text/html").send(homePage({ ...v, notice }));
});

// Create an organization, and make the signed-in user its admin.
app.post<{ Body: Form }>("/organizations", { preHandler: requireSession() }, async (request, reply) => {
  const { userId } = getSession(request);
  try {
    const org = await authio.organizations.create({
      name: String(request.body.name),
      slug: String(request.body.slug),
    });
    await authio.memberships.add(org.id, { userId, role: "admin" });
    return reply.redirect(`/?created=${org.id}`, 303);
  } catch (error) {
    if (!(error instanceof AuthioError) || (error.status !== 400 && error.status !== 409)) throw error;
    const page = homePage(await viewer(request, { kind: "error", text: error.message }));
    return reply.code(error.status).type("text/html").send(page);
  }
});

/** The members of the signed-in user's current organization, with a notice after an action. */
async function renderAdmin(
  request: FastifyRequest,
  reply: FastifyReply,
  notice: Notice | null = null,
  status = 200,
) {
  const session = getSession(request);
  const members: MemberRow[] = [];
  for await (const m of await authio.memberships.list(session.orgId!, { limit: 100 })) {
    const user = await authio.users.get(m.userId).catch(() => null);
    members.push({ userId: m.userId, role: m.role, user });
  }
  const page = adminPage({ ...(await viewer(request, notice)), members });
  return reply.code(status).type("text/html").send(page);
}

app.get("/admin", { preHandler: [signedIn, adminsOnly] }, (request, reply) => renderAdmin(request, reply));

// Add an existing user (by email) to the current organization.
app.post<{ Body: Form }>(
  "/admin/members",
  { preHandler: [requireSession(), adminsOnly] },
  async (request, reply) => {
    const email = String(request.body.email ?? "").trim();
    const role = request.body.role === "admin" ? "admin" : "member";
    const [user] = (await authio.users.list({ email })).data;
    if (!user) {
      const text = `No user has the email ${email}. They can create an account on the sign-in page first.`;
      return renderAdmin(request, reply, { kind: "error", text }, 404);
    }
    try {
      await authio.memberships.add(getSession(request).orgId!, { userId: user.id, role });
    } catch (error) {
      if (!(error instanceof AuthioError && error.code === "already_member")) throw error;
      return renderAdmin(request, reply, { kind: "error", text: `${email} is already a member.` }, 409);
    }
    return renderAdmin(request, reply, {
      kind: "success",
      text: `${email} is now a ${role} of this organization.`,
    });
  },
);

// An API route: the same session from the browser's cookie or from `Authorization: Bearer <token>`.
app.get("/api/me", { preHandler: requireSession() }, async (request) => {
  const { userId, sessionId, orgId, role, permissions } = getSession(request);
  return { userId, sessionId, organizationId: orgId, role, permissions };
});

app.setNotFoundHandler((_request, reply) =>
  reply
    .code(404)
    .type("text/html")
    .send(messagePage("Fastify", "Page not found", "There is nothing at this address.")),
);

app.setErrorHandler((error: { statusCode?: number }, request, reply) => {
  const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
  if (status === 500) request.log.error(error);
  const page = messagePage(
    "Fastify",
    status === 500 ? "Something went wrong" : "That did not work",
    "Please try again.",
  );
  return reply.code(status).type("text/html").send(page);
});

const port = Number(process.env.PORT ?? 3002);
const host = process.env.HOST ?? "127.0.0.1";
await app.listen({ port, host });
console.log(`Fastify example on http://${host}:${port}`);
