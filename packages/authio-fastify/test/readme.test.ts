import { readFileSync } from "node:fs";
import { type ConformanceEnvironment, startConformanceEnvironment } from "@authio/test-kit";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, expect, test } from "vitest";

// Runs the README's example (test/readme-example.ts, the README's code block verbatim) against the
// built package, configured only through the environment.
let env: ConformanceEnvironment;
let app: FastifyInstance;
let base: string;
beforeAll(async () => {
  env = await startConformanceEnvironment();
  Object.assign(process.env, env.env, { PORT: "0" });
  const example = await import("./readme-example.ts");
  app = example.app;
  base = example.address.replace("localhost", "127.0.0.1");
});
afterAll(async () => {
  await app?.close();
  await env?.close();
  delete process.env.PORT;
  delete process.env.AUTHIO_API_URL;
  delete process.env.AUTHIO_SECRET_KEY;
});

test("the README example is test/readme-example.ts, verbatim", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const example = readFileSync(new URL("./readme-example.ts", import.meta.url), "utf8");
  expect(/```ts\n([\s\S]*?)```/.exec(readme)?.[1]).toBe(example);
});

test("README example: optional auth, 401, 403, 200", async () => {
  expect(await (await fetch(`${base}/`)).json()).toEqual({ signedIn: false, userId: null });
  expect((await fetch(`${base}/me`)).status).toBe(401);
  const asAdmin = { authorization: `Bearer ${env.tokens.admin}` };
  const me = await fetch(`${base}/me`, { headers: asAdmin });
  expect(await me.json()).toEqual({ userId: "user_conf_admin", orgId: "org_conf_acme", role: "admin" });
  const del = await fetch(`${base}/members/u1`, { method: "DELETE", headers: asAdmin });
  expect(await del.json()).toEqual({ removed: "u1", by: "user_conf_admin" });
  const asMember = { authorization: `Bearer ${env.tokens.member}` };
  expect((await fetch(`${base}/members/u1`, { method: "DELETE", headers: asMember })).status).toBe(403);
});
