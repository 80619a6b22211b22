// The shared session lifecycle suite (issue #8: sign-in, refresh, reuse, switch organization,
// sign-out, CSRF) through Express 5 and Express 4, against the real local Authio server.
import type { Server } from "node:http";
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
import express5 from "express";
import express4 from "express4";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  authenticate,
  authRoutes,
  getSession,
  requireSession,
  signOut,
  switchOrganization,
} from "../src/index.ts";

function createLifecycleApp(expressFn: typeof express5, authio: Authio) {
  const app = expressFn();
  app.disable("x-powered-by");
  app.use(authRoutes({ authio }));
  app.use(authenticate({ authio }));
  const answer: express5.RequestHandler = (req, res) => {
    const { userId, orgId, role } = getSession(req);
    res.json({ userId, orgId, role });
  };
  app.get(LIFECYCLE_ROUTES.private, requireSession(), answer);
  app.post(LIFECYCLE_ROUTES.private, requireSession(), answer);
  // Custom routes with the helpers (Express 4 does not forward rejections: .catch(next)).
  app.post("/account/organizations/:id", (req, res, next) => {
    switchOrganization(req, res, req.params.id as string).catch(next);
  });
  app.post("/account/sign-out", (req, res, next) => {
    signOut(req, res).catch(next);
  });
  return app;
}

for (const [name, expressFn] of [
  ["Express 5", express5],
  ["Express 4", express4],
] as const) {
  describe(`lifecycle: ${name}`, () => {
    let env: LifecycleEnvironment;
    let server: Server | undefined;
    let baseUrl: string;

    beforeAll(async () => {
      env = await startLifecycleEnvironment();
      const app = createLifecycleApp(expressFn, new Authio(env.authioOptions));
      server = await new Promise<Server>((resolve) => {
        const s = app.listen(0, "127.0.0.1", () => resolve(s));
      });
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server?.closeAllConnections();
      await new Promise((r) => (server ? server.close(r) : r(undefined)));
      await env?.close();
    });

    for (const c of lifecycleCases) test(c.name, () => c.run({ baseUrl, env }));

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

    test("authRoutes() before authenticate(): no refresh before the callback", async () => {
      const res = await fetch(`${baseUrl}/auth/callback?code=c&state=s`, {
        headers: { cookie: "authio_refresh=not-a-refresh-token" },
      });
      expect(res.status).toBe(400);
      expect(res.headers.getSetCookie().map((c) => c.split("=")[0])).toEqual(["authio_state"]);
    });

    test("inside a mounted router, paths are from the site root: the callback URL keeps the mount path", async () => {
      const app = expressFn();
      const router = expressFn.Router();
      const paths = { signIn: "/account/auth/sign-in", callback: "/account/auth/callback" };
      router.use(authRoutes({ authio: new Authio(env.authioOptions), paths }));
      app.use("/account", router);
      const mounted = await new Promise<Server>((resolve) => {
        const s = app.listen(0, "127.0.0.1", () => resolve(s));
      });
      try {
        const url = `http://127.0.0.1:${(mounted.address() as AddressInfo).port}`;
        const res = await fetch(`${url}/account/auth/sign-in`, { redirect: "manual" });
        expect(res.status).toBe(302);
        const authorize = new URL(res.headers.get("location")!);
        expect(authorize.searchParams.get("redirect_uri")).toBe(`${url}/account/auth/callback`);
      } finally {
        mounted.closeAllConnections();
        await new Promise((r) => mounted.close(r));
      }
    });

    test("switchOrganization() and signOut() in custom routes set the cookies in the same response", async () => {
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
  });
}
