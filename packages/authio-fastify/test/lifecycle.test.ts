// The shared session lifecycle suite (issue #8: sign-in, refresh, reuse, switch organization,
// sign-out, CSRF) through Fastify 5, against the real local Authio server.
import type { AddressInfo } from "node:net";
import { Authio } from "@authio/node";
import {
  LIFECYCLE_ROUTES,
  type LifecycleEnvironment,
  lifecycleCases,
  signIn,
  startLifecycleEnvironment,
  TestBrowser,
} from "@authio/test-kit";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { authio as authioPlugin, getSession, signOut, switchOrganization } from "../src/index.ts";

async function createLifecycleApp(authio: Authio): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(authioPlugin, { authio });
  const answer = async (request: FastifyRequest) => {
    const { userId, orgId, role } = getSession(request);
    return { userId, orgId, role };
  };
  app.get(LIFECYCLE_ROUTES.private, { config: { authio: true } }, answer);
  app.post(LIFECYCLE_ROUTES.private, { config: { authio: true } }, answer);
  // Custom routes with the helpers.
  app.post<{ Params: { id: string } }>("/account/organizations/:id", (request, reply) =>
    switchOrganization(request, reply, request.params.id),
  );
  app.post("/account/sign-out", (request, reply) => signOut(request, reply));
  return app;
}

describe("lifecycle: Fastify 5", () => {
  let env: LifecycleEnvironment;
  const apps: FastifyInstance[] = [];
  let baseUrl: string;

  beforeAll(async () => {
    env = await startLifecycleEnvironment();
    const app = await createLifecycleApp(new Authio(env.authioOptions));
    apps.push(app);
    await app.listen({ port: 0, host: "127.0.0.1" });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await env?.close();
  });

  for (const c of lifecycleCases) test(c.name, () => c.run({ baseUrl, env }));

  test("switchOrganization() and signOut() in custom routes set the cookies in the same reply", async () => {
    const browser = new TestBrowser();
    await signIn(browser, { baseUrl, env });
    const sameOrigin = { origin: baseUrl };

    const crossSite = await browser.fetch(`${baseUrl}/account/organizations/${env.memberOrgId}`, {
      method: "POST",
      headers: { origin: "https://evil.example" },
    });
    expect(crossSite.status).toBe(403);

    const switched = await browser.fetch(`${baseUrl}/account/organizations/${env.memberOrgId}`, {
      method: "POST",
      headers: { ...sameOrigin, accept: "application/json" },
    });
    expect(switched.status).toBe(200);
    expect(switched.headers.getSetCookie().some((c) => c.startsWith("authio_session="))).toBe(true);
    expect(await switched.json()).toMatchObject({ session: { orgId: env.memberOrgId, role: "member" } });
    const me = await browser.fetch(`${baseUrl}${LIFECYCLE_ROUTES.private}`);
    expect(await me.json()).toMatchObject({ orgId: env.memberOrgId, role: "member" });

    const out = await browser.fetch(`${baseUrl}/account/sign-out`, { method: "POST", headers: sameOrigin });
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/");
    expect(browser.cookies(baseUrl).has("authio_session")).toBe(false);
    expect(browser.cookies(baseUrl).has("authio_refresh")).toBe(false);
    expect((await browser.fetch(`${baseUrl}${LIFECYCLE_ROUTES.private}`)).status).toBe(401);
  });

  test("an Authio outage during refresh is a 503 that keeps the cookies, not a sign-out", async () => {
    const browser = new TestBrowser();
    env.local.setClockOffset(-600); // the access token is born expired
    try {
      await signIn(browser, { baseUrl, env });
    } finally {
      env.local.setClockOffset(0);
    }
    const refresh = browser.cookies(baseUrl).get("authio_refresh");
    env.local.faults.add({ kind: "status", status: 503, path: "/v1/sessions/refresh", count: 20 });
    try {
      const res = await browser.fetch(`${baseUrl}${LIFECYCLE_ROUTES.private}`);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).not.toBeNull();
      expect(res.headers.getSetCookie()).toEqual([]);
      expect(browser.cookies(baseUrl).get("authio_refresh")).toBe(refresh);
    } finally {
      env.local.faults.clear();
    }
    expect((await browser.fetch(`${baseUrl}${LIFECYCLE_ROUTES.private}`)).status).toBe(200);
  });

  test("routes: false registers no lifecycle route; custom paths move them", async () => {
    const off = Fastify();
    apps.push(off);
    await off.register(authioPlugin, { authio: new Authio(env.authioOptions), routes: false });
    expect((await off.inject({ method: "GET", url: "/auth/sign-in" })).statusCode).toBe(404);
    const moved = Fastify();
    apps.push(moved);
    await moved.register(authioPlugin, {
      authio: new Authio(env.authioOptions),
      paths: { signIn: "/login" },
    });
    const res = await moved.inject({
      method: "GET",
      url: "/login?return_to=/x",
      headers: { host: "127.0.0.1" },
    });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toMatch(new RegExp(`^${env.local.url}/v1/authorize\\?`));
    expect((await moved.inject({ method: "GET", url: "/auth/sign-in" })).statusCode).toBe(404);
  });

  test("the lifecycle routes are not authenticated twice: no refresh before the callback", async () => {
    const res = await fetch(`${baseUrl}/auth/callback?code=c&state=s`, {
      headers: { cookie: "authio_refresh=not-a-refresh-token" },
    });
    expect(res.status).toBe(400);
    expect(res.headers.getSetCookie().map((c) => c.split("=")[0])).toEqual(["authio_state"]);
  });
});
