import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { authenticate, getSession, requireSession } from "@authio/express";
import { type ConformanceEnvironment, startConformanceEnvironment } from "@authio/test-kit";
import express from "express";
import { afterAll, beforeAll, expect, test } from "vitest";

// Runs the README's example (test/readme-example.ts, which express.test.ts checks is the README's
// code block verbatim) against the built package, configured only through the environment.
let env: ConformanceEnvironment;
let server: Server;
let base: string;
beforeAll(async () => {
  env = await startConformanceEnvironment();
  Object.assign(process.env, env.env, { PORT: "0" });
  ({ server } = await import("./readme-example.ts"));
  if (!server.listening) await new Promise((r) => server.once("listening", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await env?.close();
  delete process.env.PORT;
  delete process.env.AUTHIO_API_URL;
  delete process.env.AUTHIO_SECRET_KEY;
});

test("README example: optional auth, 401, 403", async () => {
  expect(await (await fetch(`${base}/`)).json()).toEqual({ signedIn: false, userId: null });
  expect((await fetch(`${base}/me`)).status).toBe(401);
  const asMember = { authorization: `Bearer ${env.tokens.member}` };
  expect((await fetch(`${base}/members/u1`, { method: "DELETE", headers: asMember })).status).not.toBe(200);
});

test.skipIf(process.env.AUTHIO_VERIFIER_PLACEHOLDER === "1")("README example: signed in", async () => {
  const asAdmin = { authorization: `Bearer ${env.tokens.admin}` };
  const me = await fetch(`${base}/me`, { headers: asAdmin });
  expect(await me.json()).toEqual({ userId: "user_conf_admin", orgId: "org_conf_acme", role: "admin" });
  const del = await fetch(`${base}/members/u1`, { method: "DELETE", headers: asAdmin });
  expect(await del.json()).toEqual({ removed: "u1", by: "user_conf_admin" });
  const asMember = { authorization: `Bearer ${env.tokens.member}` };
  expect((await fetch(`${base}/members/u1`, { method: "DELETE", headers: asMember })).status).toBe(403);
});

test("one client from the environment for the whole process: the keys are fetched once", async () => {
  // A second app, authenticate() mounted on two routers, beside the README's app.
  const app = express();
  const a = express.Router();
  const b = express.Router();
  a.use(authenticate());
  b.use(authenticate());
  a.get("/a", requireSession(), (req, res) => {
    res.json({ userId: getSession(req).userId });
  });
  b.get("/b", requireSession(), (req, res) => {
    res.json({ userId: getSession(req).userId });
  });
  app.use(a, b);
  const other = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  try {
    const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    for (const [path, token] of [
      ["/a", env.tokens.user],
      ["/b", env.tokens.member],
      ["/b", env.tokens.admin],
    ] as const) {
      const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
    }
    await fetch(`${base}/me`, { headers: { authorization: `Bearer ${env.tokens.user}` } });
    expect(env.jwks.requests).toBe(1);
  } finally {
    other.closeAllConnections();
    await new Promise((r) => other.close(r));
  }
});
