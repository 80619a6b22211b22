import { readFileSync } from "node:fs";
import { Authio } from "@authio/node";
import { FORGED_SESSION, startConformanceEnvironment } from "@authio/test-kit";
import { Hono } from "hono";
import { expect, test } from "vitest";
import { type AuthioEnv, authenticate, getAuthResult, requireSession } from "../src/index.ts";

const client = new Authio({ apiUrl: "http://127.0.0.1:9", apiKey: "sk_test_x" });

test("c.set('session') after authenticate() throws and changes nothing", async () => {
  const seen: unknown[] = [];
  const app = new Hono<AuthioEnv>();
  app.use(authenticate({ authio: client }));
  app.use(async (c, next) => {
    try {
      c.set("session", FORGED_SESSION);
    } catch (err) {
      seen.push(err);
    }
    c.set("other" as never, 1 as never); // other variables still work
    await next();
  });
  app.get("/", (c) => c.json({ session: c.var.session, status: getAuthResult(c)?.status }));
  const res = await app.request("/");
  expect(await res.json()).toEqual({ session: null, status: "anonymous" });
  expect(seen[0]).toBeInstanceOf(TypeError);
});

test("a guard without authenticate() is a 500, not an open door", async () => {
  const app = new Hono();
  app.onError((_err, c) => c.text("error", 500));
  app.get("/", requireSession(), (c) => c.text("open"));
  expect((await app.request("/")).status).toBe(500);
});

test("authenticate() twice is harmless; Vary appended; Cache-Control kept when the route set one", async () => {
  const app = new Hono<AuthioEnv>();
  app.use(authenticate({ authio: client }));
  app.use(authenticate({ authio: client }));
  app.get("/", (c) => c.json({}, 200, { vary: "Accept-Encoding" }));
  app.get("/nostore", (c) => c.json({}, 200, { "cache-control": "no-store" }));
  const res = await app.request("/");
  expect(res.headers.get("vary")).toBe("Accept-Encoding, Authorization, Cookie");
  expect(res.headers.get("cache-control")).toBe("private");
  expect((await app.request("/nostore")).headers.get("cache-control")).toBe("no-store");
});

test("a guarded answer goes out private, an immutable one (a redirect, a proxied fetch) too", async () => {
  const env = await startConformanceEnvironment();
  try {
    const app = new Hono<AuthioEnv>();
    app.use(authenticate({ authio: new Authio(env.authioOptions) }));
    app.get("/json", requireSession(), (c) =>
      c.json({}, 200, { "cache-control": "public, max-age=5, s-maxage=50", vary: "Origin" }),
    );
    app.get("/redirect", requireSession(), () => Response.redirect("https://app.example/next", 302));
    app.get("/open", (c) => c.json({}, 200, { "cache-control": "public, max-age=5" }));
    const headers = { authorization: `Bearer ${env.tokens.user}` };
    const json = await app.request("/json", { headers });
    expect(json.headers.get("cache-control")).toBe("private, max-age=5");
    expect(json.headers.get("vary")).toBe("Origin, Authorization, Cookie");
    const redirect = await app.request("/redirect", { headers });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toBe("https://app.example/next");
    expect(redirect.headers.get("cache-control")).toBe("private");
    expect(redirect.headers.get("vary")).toBe("Authorization, Cookie");
    // Not guarded: the route's explicit choice stands.
    expect((await app.request("/open", { headers })).headers.get("cache-control")).toBe("public, max-age=5");
  } finally {
    await env.close();
  }
});

test("without a client, one is built from the bindings (c.env) on the first request", async () => {
  const env = await startConformanceEnvironment();
  try {
    const app = new Hono<AuthioEnv>();
    app.use(authenticate());
    app.get("/", (c) => c.json({ userId: c.var.session?.userId ?? null }));
    const bindings = { AUTHIO_API_URL: env.jwks.url, AUTHIO_SECRET_KEY: env.jwks.secretKey };
    const headers = { authorization: `Bearer ${env.tokens.user}` };
    for (let i = 0; i < 3; i++) {
      const res = await app.request("/", { headers }, bindings);
      expect(await res.json()).toEqual({ userId: "user_conf_plain" });
    }
    expect(env.jwks.requests).toBe(1); // one client, one key fetch
  } finally {
    await env.close();
  }
});

test("the README example is test/readme-example.ts, verbatim, and works", async () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const example = readFileSync(new URL("./readme-example.ts", import.meta.url), "utf8");
  expect(/```ts\n([\s\S]*?)```/.exec(readme)?.[1]).toBe(example);

  const env = await startConformanceEnvironment();
  try {
    Object.assign(process.env, env.env);
    const { default: app } = await import("./readme-example.ts");
    expect(await (await app.request("/")).json()).toEqual({ signedIn: false, userId: null });
    expect((await app.request("/me")).status).toBe(401);
    const asAdmin = { authorization: `Bearer ${env.tokens.admin}` };
    expect(await (await app.request("/me", { headers: asAdmin })).json()).toEqual({
      userId: "user_conf_admin",
      orgId: "org_conf_acme",
      role: "admin",
    });
    const del = await app.request("/members/u1", { method: "DELETE", headers: asAdmin });
    expect(await del.json()).toEqual({ removed: "u1", by: "user_conf_admin" });
    const asMember = { authorization: `Bearer ${env.tokens.member}` };
    expect((await app.request("/members/u1", { method: "DELETE", headers: asMember })).status).toBe(403);
  } finally {
    delete process.env.AUTHIO_API_URL;
    delete process.env.AUTHIO_SECRET_KEY;
    await env.close();
  }
});
