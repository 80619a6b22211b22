import { authenticate, getSession, requireRole, requireSession } from "@authio/express";
import express from "express";

const app = express();

// One Authio client for the app, built from AUTHIO_SECRET_KEY (and AUTHIO_API_URL) on the first
// request. To pass your own: authenticate({ authio: new Authio({ apiKey }) }).
app.use(authenticate());

// Optional auth: req.auth is the Session or null.
app.get("/", (req, res) => {
  res.json({ signedIn: req.auth !== null, userId: req.auth?.userId ?? null });
});

// 401 without a valid session; getSession(req) is then typed Session — no null check, no cast.
app.get("/me", requireSession(), (req, res) => {
  const session = getSession(req);
  res.json({ userId: session.userId, orgId: session.orgId, role: session.role });
});

// 403 unless the session's organization role is admin.
app.delete("/members/:id", requireRole("admin"), (req, res) => {
  const session = getSession(req);
  res.json({ removed: req.params.id, by: session.userId });
});

export const server = app.listen(Number(process.env.PORT ?? 3000));
