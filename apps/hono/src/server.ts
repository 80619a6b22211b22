// A multi-tenant Hono app on Authio, served by @hono/node-server. Configuration comes from the
// environment: AUTHIO_SECRET_KEY, AUTHIO_API_URL (the local server's URL in development) and PORT.
import {
  adminPage,
  forbiddenPage,
  homePage,
  type MemberRow,
  messagePage,
  type Notice,
  type Viewer,
} from "@authio/example-ui";
import { type AuthioEnv, authenticate, authRoutes, requireSession } from "@authio/hono";
import { Authio, AuthioError, type Session } from "@authio/node";
import { serve } from "@hono/node-server";
import { type Context, Hono } from "hono";
import { createMiddleware } from "hono/factory";

const authio = new Authio(); // reads AUTHIO_SECRET_KEY and AUTHIO_API_URL
const app = new Hono<AuthioEnv>();

// The session lifecycle: GET /auth/sign-in (to the hosted Authio page), GET /auth/callback,
// POST /auth/sign-out and POST /auth/switch-organization.
app.use(authRoutes({ authio }));

// Sets c.var.session (Session | null) from the session cookie or a Bearer header; refreshes an
// expiring cookie session by itself, and refuses cookies on cross-site POSTs.
app.use(authenticate({ authio }));

type SignedInEnv = { Variables: { session: Session } };

/**
 * Pages: a signed-out browser goes to the hosted sign-in page and comes back here. (Form posts use
 * requireSession() instead: 401 without a session, 403 for a cross-site post.)
 */
const signedIn = createMiddleware<SignedInEnv>(async (c, next) => {
  if (!c.var.session) return c.redirect(`/auth/sign-in?return_to=${encodeURIComponent(c.req.path)}`);
  await next();
});

/** Pages for admins of the current organization; anyone else gets a clear 403 page. */
const adminsOnly = createMiddleware<SignedInEnv>(async (c, next) => {
  if (c.var.session.role !== "admin") return c.html(forbiddenPage(await viewer(c)), 403);
  await next();
});

/** Who is signed in, and their organizations (Management API). */
async function viewer(c: Context<SignedInEnv>, notice?: Notice | null): Promise<Viewer> {
  const session = c.var.session;
  const [user, memberships] = await Promise.all([
    authio.users.get(session.userId),
    authio.users.listMemberships(session.userId),
  ]);
  return { framework: "Hono", user, session, memberships, notice };
}

app.get("/", signedIn, async (c) => {
  const v = await viewer(c);
  const org = v.memberships.find((m) => m.organizationId === c.req.query("created"))?.organization;
  const notice: Notice | null = org
    ? { kind: "success", text: `${org.name} is created: you are its admin.` }
    : null;
  return c.html(homePage({ ...v, notice }));
});

// Create an organization, and make the signed-in user its admin.
app.post("/organizations", requireSession(), async (c) => {
  const form = await c.req.parseBody();
  try {
    const org = await authio.organizations.create({ name: String(form.name), slug: String(form.slug) });
    await authio.memberships.add(org.id, { userId: c.var.session.userId, role: "admin" });
    return c.redirect(`/?created=${org.id}`, 303);
  } catch (error) {
    if (!(error instanceof AuthioError) || (error.status !== 400 && error.status !== 409)) throw error;
    return c.html(homePage(await viewer(c, { kind: "error", text: error.message })), error.status);
  }
});

/** The members of the signed-in user's current organization, with a notice after an action. */
async function renderAdmin(
  c: Context<SignedInEnv>,
  notice: Notice | null = null,
  status: 200 | 404 | 409 = 200,
) {
  const members: MemberRow[] = [];
  for await (const m of await authio.memberships.list(c.var.session.orgId!, { limit: 100 })) {
    const user = await authio.users.get(m.userId).catch(() => null);
    members.push({ userId: m.userId, role: m.role, user });
  }
  return c.html(adminPage({ ...(await viewer(c, notice)), members }), status);
}

app.get("/admin", signedIn, adminsOnly, (c) => renderAdmin(c));

// Add an existing user (by email) to the current organization.
app.post("/admin/members", requireSession(), adminsOnly, async (c) => {
  const form = await c.req.parseBody();
  const email = String(form.email ?? "").trim();
  const role = form.role === "admin" ? "admin" : "member";
  const [user] = (await authio.users.list({ email })).data;
  if (!user) {
    const text = `No user has the email ${email}. They can create an account on the sign-in page first.`;
    return renderAdmin(c, { kind: "error", text }, 404);
  }
  try {
    await authio.memberships.add(c.var.session.orgId!, { userId: user.id, role });
  } catch (error) {
    if (!(error instanceof AuthioError && error.code === "already_member")) throw error;
    return renderAdmin(c, { kind: "error", text: `${email} is already a member.` }, 409);
  }
  return renderAdmin(c, { kind: "success", text: `${email} is now a ${role} of this organization.` });
});

// An API route: the same session from the browser's cookie or from `Authorization: Bearer <token>`.
app.get("/api/me", requireSession(), (c) => {
  const { userId, sessionId, orgId, role, permissions } = c.var.session;
  return c.json({ userId, sessionId, organizationId: orgId, role, permissions });
});

app.notFound((c) => c.html(messagePage("Hono", "Page not found", "There is nothing at this address."), 404));

app.onError((error, c) => {
  console.error(error);
  return c.html(messagePage("Hono", "Something went wrong", "Please try again in a moment."), 500);
});

const port = Number(process.env.PORT ?? 3003);
const hostname = process.env.HOST ?? "127.0.0.1";
serve({ fetch: app.fetch, port, hostname }, () => console.log(`Hono example on http://${hostname}:${port}`));
