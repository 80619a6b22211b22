// A multi-tenant Express app on Authio. Configuration comes from the environment:
// AUTHIO_SECRET_KEY, AUTHIO_API_URL (the local server's URL in development) and PORT.
import {
  adminPage,
  forbiddenPage,
  homePage,
  messagePage,
  type Notice,
  type Viewer,
} from "@authio/example-ui";
import { authenticate, authRoutes, getSession, requireSession } from "@authio/express";
import { Authio, AuthioError } from "@authio/node";
import express, { type NextFunction, type Request, type Response } from "express";

const authio = new Authio(); // reads AUTHIO_SECRET_KEY and AUTHIO_API_URL
const app = express();
app.use(express.urlencoded({ extended: false }));

// The session lifecycle: GET /auth/sign-in (to the hosted Authio page), GET /auth/callback,
// POST /auth/sign-out and POST /auth/switch-organization.
app.use(authRoutes({ authio }));

// Attaches req.auth (Session | null) from the session cookie or a Bearer header; refreshes an
// expiring cookie session by itself, and refuses cookies on cross-site POSTs.
app.use(authenticate({ authio }));

/**
 * Pages: a signed-out browser goes to the hosted sign-in page and comes back here. (Form posts use
 * requireSession() instead: 401 without a session, 403 for a cross-site post.)
 */
function signedIn(req: Request, res: Response, next: NextFunction) {
  if (req.auth) return next();
  res.redirect(`/auth/sign-in?return_to=${encodeURIComponent(req.originalUrl)}`);
}

/** Pages for admins of the current organization; anyone else gets a clear 403 page. */
async function adminsOnly(req: Request, res: Response, next: NextFunction) {
  if (getSession(req).role === "admin") return next();
  res.status(403).send(forbiddenPage(await viewer(req)));
}

/** Who is signed in, and their organizations (Management API). */
async function viewer(req: Request, notice?: Notice | null): Promise<Viewer> {
  const session = getSession(req);
  const [user, memberships] = await Promise.all([
    authio.users.get(session.userId),
    authio.users.listMemberships(session.userId),
  ]);
  return { framework: "Express", user, session, memberships, notice };
}

app.get("/", signedIn, async (req, res) => {
  const created = typeof req.query.created === "string" ? req.query.created : null;
  const v = await viewer(req);
  const org = v.memberships.find((m) => m.organizationId === created)?.organization;
  const notice: Notice | null = org
    ? { kind: "success", text: `${org.name} is created: you are its admin.` }
    : null;
  res.send(homePage({ ...v, notice }));
});

// Create an organization, and make the signed-in user its admin.
app.post("/organizations", requireSession(), async (req, res) => {
  const { userId } = getSession(req);
  try {
    const org = await authio.organizations.create({
      name: String(req.body.name),
      slug: String(req.body.slug),
    });
    await authio.memberships.add(org.id, { userId, role: "admin" });
    res.redirect(303, `/?created=${org.id}`);
  } catch (error) {
    if (!(error instanceof AuthioError) || (error.status !== 400 && error.status !== 409)) throw error;
    res.status(error.status).send(homePage(await viewer(req, { kind: "error", text: error.message })));
  }
});

/** The members of the signed-in user's current organization, with a notice after an action. */
async function renderAdmin(req: Request, res: Response, notice: Notice | null = null, status = 200) {
  const session = getSession(req);
  const members = [];
  for await (const m of await authio.memberships.list(session.orgId!, { limit: 100 })) {
    const user = await authio.users.get(m.userId).catch(() => null);
    members.push({ userId: m.userId, role: m.role, user });
  }
  res.status(status).send(adminPage({ ...(await viewer(req, notice)), members }));
}

app.get("/admin", signedIn, adminsOnly, (req, res) => renderAdmin(req, res));

// Add an existing user (by email) to the current organization.
app.post("/admin/members", requireSession(), adminsOnly, async (req, res) => {
  const email = String(req.body.email ?? "").trim();
  const role = req.body.role === "admin" ? "admin" : "member";
  const [user] = (await authio.users.list({ email })).data;
  if (!user) {
    const text = `No user has the email ${email}. They can create an account on the sign-in page first.`;
    return renderAdmin(req, res, { kind: "error", text }, 404);
  }
  try {
    await authio.memberships.add(getSession(req).orgId!, { userId: user.id, role });
  } catch (error) {
    if (!(error instanceof AuthioError && error.code === "already_member")) throw error;
    return renderAdmin(req, res, { kind: "error", text: `${email} is already a member.` }, 409);
  }
  await renderAdmin(req, res, { kind: "success", text: `${email} is now a ${role} of this organization.` });
});

// An API route: the same session from the browser's cookie or from `Authorization: Bearer <token>`.
app.get("/api/me", requireSession(), (req, res) => {
  const { userId, sessionId, orgId, role, permissions } = getSession(req);
  res.json({ userId, sessionId, organizationId: orgId, role, permissions });
});

app.use((_req: Request, res: Response) => {
  res.status(404).send(messagePage("Express", "Page not found", "There is nothing at this address."));
});

app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
  console.error(error);
  res.status(500).send(messagePage("Express", "Something went wrong", "Please try again in a moment."));
});

const port = Number(process.env.PORT ?? 3001);
const host = process.env.HOST ?? "127.0.0.1";
app.listen(port, host, () => console.log(`Express example on http://${host}:${port}`));
