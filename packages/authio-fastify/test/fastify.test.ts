import { Authio } from "@authio/node";
import { FORGED_SESSION } from "@authio/test-kit";
import fastifyCookie from "@fastify/cookie";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, expect, test } from "vitest";
import { authio as authioPlugin, getAuthResult, getSession, requireSession } from "../src/index.ts";

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});
const client = new Authio({ apiUrl: "http://127.0.0.1:9", apiKey: "sk_test_x" });
async function start(setup: (app: FastifyInstance) => Promise<void> | void): Promise<string> {
  const app = Fastify();
  apps.push(app);
  await setup(app);
  return app.listen({ port: 0, host: "127.0.0.1" });
}

test("assigning request.auth throws a TypeError and changes nothing", async () => {
  const seen: unknown[] = [];
  const base = await start(async (app) => {
    await app.register(authioPlugin, { authio: client });
    app.addHook("preHandler", (request, _reply, done) => {
      try {
        (request as { auth: unknown }).auth = FORGED_SESSION;
      } catch (err) {
        seen.push(err);
      }
      done();
    });
    app.get("/", async (request) => ({ auth: request.auth, status: getAuthResult(request)?.status }));
  });
  expect(await (await fetch(base)).json()).toEqual({ auth: null, status: "anonymous" });
  expect(seen[0]).toBeInstanceOf(TypeError);
});

test("registers @fastify/cookie when the app has not, and reuses the app's own", async () => {
  let base = await start(async (app) => {
    await app.register(authioPlugin, { authio: client });
    app.get("/", async (request) => ({ cookies: request.cookies }));
  });
  expect(await (await fetch(base, { headers: { cookie: "a=1" } })).json()).toEqual({ cookies: { a: "1" } });
  base = await start(async (app) => {
    await app.register(fastifyCookie, { secret: "s3cret-s3cret-s3cret" });
    await app.register(authioPlugin, { authio: client });
    app.get("/", async (request, reply) => ({
      signed: reply.signCookie("x").length > 1,
      c: request.cookies,
    }));
  });
  expect(await (await fetch(base, { headers: { cookie: "b=2" } })).json()).toEqual({
    signed: true,
    c: { b: "2" },
  });
});

test("a guard without the plugin is a 500, not an open door", async () => {
  const base = await start((app) => {
    app.get("/", { preHandler: requireSession() }, async () => ({ open: true }));
  });
  expect((await fetch(base)).status).toBe(500);
});

test("getSession() on an unguarded anonymous route is a 500", async () => {
  const base = await start(async (app) => {
    await app.register(authioPlugin, { authio: client });
    app.get("/", async (request) => ({ userId: getSession(request).userId }));
  });
  expect((await fetch(base)).status).toBe(500);
});

test("a client that can't be built from the environment fails at startup", async () => {
  const before = process.env.AUTHIO_API_URL;
  process.env.AUTHIO_API_URL = "not a url";
  try {
    const app = Fastify();
    apps.push(app);
    await expect(app.register(authioPlugin).ready()).rejects.toMatchObject({ code: "invalid_config" });
  } finally {
    if (before === undefined) delete process.env.AUTHIO_API_URL;
    else process.env.AUTHIO_API_URL = before;
  }
});

test("Vary is appended to, not clobbered; a route's own Cache-Control wins", async () => {
  const base = await start(async (app) => {
    app.addHook("onRequest", (_request, reply, done) => {
      reply.header("vary", "Accept-Encoding");
      done();
    });
    await app.register(authioPlugin, { authio: client });
    app.get("/", async () => ({}));
    app.get("/cached", async (_request, reply) => reply.header("cache-control", "no-store").send({}));
  });
  const res = await fetch(base);
  expect(res.headers.get("vary")).toBe("Accept-Encoding, Authorization, Cookie");
  expect(res.headers.get("cache-control")).toBe("private");
  expect((await fetch(`${base}/cached`)).headers.get("cache-control")).toBe("no-store");
});
