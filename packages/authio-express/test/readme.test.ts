import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type ConformanceEnvironment, startConformanceEnvironment } from "@authio/test-kit";
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
