// The shared session lifecycle suite (issue #8: sign-in, refresh, reuse, switch organization,
// sign-out, CSRF) through Hono on Node (@hono/node-server), against the real local Authio server.
import type { AddressInfo } from "node:net";
import { Authio } from "@authio/node";
import {
  helperCases,
  LIFECYCLE_ROUTES,
  type LifecycleEnvironment,
  lifecycleCases,
  signIn,
  signInExpired,
  startLifecycleEnvironment,
  TestBrowser,
} from "@authio/test-kit";
import { type ServerType, serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type AuthioEnv,
  authenticate,
  authRoutes,
  requireSession,
  signOut,
  switchOrganization,
} from "../src/index.ts";

function createLifecycleApp(authio: Authio): Hono<AuthioEnv> {
  const app = new Hono<AuthioEnv>();
  app.use(authRoutes({ authio }));
  app.use(authenticate({ authio }));
  app.on(["GET", "POST"], LIFECYCLE_ROUTES.private, requireSession(), (c) => {
    const { userId, orgId, role } = c.var.session;
    return c.json({ userId, orgId, role });
  });
  // Custom routes with the helpers.
  app.post(LIFECYCLE_ROUTES.switchOrganization, (c) => switchOrganization(c, c.req.param("id")));
  app.post(LIFECYCLE_ROUTES.signOut, (c) => signOut(c));
  // A route answering with a Response of its own (not through c.*) still gets the refreshed cookies.
  app.get("/raw", (c) => new Response(JSON.stringify({ userId: c.var.session?.userId ?? null })));
  return app;
}

function listen(app: Hono<AuthioEnv>): Promise<ServerType> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(server));
  });
}
const urlOf = (server: ServerType) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const close = (server: ServerType) => new Promise((r) => server.close(r));

describe("lifecycle: Hono on Node (@hono/node-server)", () => {
  let env: LifecycleEnvironment;
  let server: ServerType | undefined;
  let baseUrl: string;

  beforeAll(async () => {
    env = await startLifecycleEnvironment();
    server = await listen(createLifecycleApp(new Authio(env.authioOptions)));
    baseUrl = urlOf(server);
  });
  afterAll(async () => {
    if (server) await close(server);
    await env?.close();
  });

  for (const c of [...lifecycleCases, ...helperCases]) test(c.name, () => c.run({ baseUrl, env }));

  test("a refresh reaches the browser on a route's own Response; a cross-site POST refreshes nothing", async () => {
    const browser = new TestBrowser();
    await signInExpired(browser, { baseUrl, env });
    const oldRefresh = browser.cookies(baseUrl).get("authio_refresh");
    // A cross-site POST is refused before any refresh: no cookies.
    const evil = await browser.fetch(`${baseUrl}${LIFECYCLE_ROUTES.private}`, {
      method: "POST",
      headers: { origin: "https://evil.example" },
    });
    expect(evil.status).toBe(403);
    expect(evil.headers.getSetCookie()).toEqual([]);

    const raw = await browser.fetch(`${baseUrl}/raw`);
    expect(await raw.json()).toEqual({ userId: env.userId });
    expect(raw.headers.getSetCookie().map((c) => c.split("=")[0])).toEqual([
      "authio_session",
      "authio_refresh",
    ]);
    expect(browser.cookies(baseUrl).get("authio_refresh")).not.toBe(oldRefresh);
    expect((await browser.fetch(`${baseUrl}${LIFECYCLE_ROUTES.private}`)).status).toBe(200);
  });

  test("in a sub-app mounted with app.route(), paths are from the site root", async () => {
    const sub = new Hono();
    const paths = { signIn: "/account/auth/sign-in", callback: "/account/auth/callback" };
    sub.use(authRoutes({ authio: new Authio(env.authioOptions), paths }));
    sub.get("/other", (c) => c.text("other"));
    const app = new Hono<AuthioEnv>();
    app.route("/account", sub);
    const mounted = await listen(app);
    try {
      const url = urlOf(mounted);
      const res = await fetch(`${url}/account/auth/sign-in`, { redirect: "manual" });
      expect(res.status).toBe(302);
      const authorize = new URL(res.headers.get("location")!);
      expect(authorize.searchParams.get("redirect_uri")).toBe(`${url}/account/auth/callback`);
      expect(await (await fetch(`${url}/account/other`)).text()).toBe("other");
    } finally {
      await close(mounted);
    }
  });

  test("a refresh and a switch in one request: the switched session cookie comes last and wins", async () => {
    // refreshLeeway longer than the token's life: every cookie request refreshes first.
    const authio = new Authio(env.authioOptions);
    const app = new Hono<AuthioEnv>();
    app.use(authRoutes({ authio }));
    app.use(authenticate({ authio, refreshLeeway: 24 * 3600 }));
    app.post("/switch/:id", (c) => switchOrganization(c, c.req.param("id")));
    const eager = await listen(app);
    try {
      const url = urlOf(eager);
      const browser = new TestBrowser();
      await signIn(browser, { baseUrl: url, env });
      const res = await browser.fetch(`${url}/switch/${env.memberOrgId}`, {
        method: "POST",
        headers: { origin: url, accept: "application/json" },
      });
      expect(res.status).toBe(200);
      const names = res.headers.getSetCookie().map((c) => c.split("=")[0]);
      expect(names).toEqual(["authio_session", "authio_session", "authio_refresh"]);
      const token = browser.cookies(url).get("authio_session")!;
      const claims = JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")));
      expect(claims.org_id).toBe(env.memberOrgId);
    } finally {
      await close(eager);
    }
  });

  test("the helpers without authenticate() are a 500, not an open door", async () => {
    const app = new Hono();
    app.onError((err, c) => c.text(err.message, 500));
    app.post("/s", (c) => signOut(c));
    const res = await app.request("/s", { method: "POST" });
    expect(res.status).toBe(500);
    expect(await res.text()).toContain("authenticate()");
  });
});
