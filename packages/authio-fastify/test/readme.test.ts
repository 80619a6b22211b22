import { readFileSync } from "node:fs";
import { authio, getSession } from "@authio/fastify";
import { type ConformanceEnvironment, startConformanceEnvironment } from "@authio/test-kit";
import Fastify, { type FastifyInstance } from "fastify";
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

test("one client from the environment for the whole process: the keys are fetched once", async () => {
  const other = Fastify();
  try {
    await other.register(authio);
    other.get("/x", { config: { authio: true } }, async (request) => ({
      userId: getSession(request).userId,
    }));
    const url = await other.listen({ port: 0, host: "127.0.0.1" });
    for (const token of [env.tokens.user, env.tokens.member, env.tokens.admin]) {
      const res = await fetch(`${url}/x`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
    }
    expect(env.jwks.requests).toBe(1);
  } finally {
    await other.close();
  }
});
