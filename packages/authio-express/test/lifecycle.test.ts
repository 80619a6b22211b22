// The shared session lifecycle suite (issue #8: sign-in, refresh, reuse, switch organization,
// sign-out, CSRF) through Express 5 and Express 4, against the real local Authio server.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Authio } from "@authio/node";
import {
  helperCases,
  LIFECYCLE_ROUTES,
  type LifecycleEnvironment,
  lifecycleCases,
  startLifecycleEnvironment,
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
  app.post(LIFECYCLE_ROUTES.switchOrganization, (req, res, next) => {
    switchOrganization(req, res, req.params.id as string).catch(next);
  });
  app.post(LIFECYCLE_ROUTES.signOut, (req, res, next) => {
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

    for (const c of [...lifecycleCases, ...helperCases]) test(c.name, () => c.run({ baseUrl, env }));

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
  });
}
