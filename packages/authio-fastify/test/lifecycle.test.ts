// The shared session lifecycle suite (issue #8: sign-in, refresh, reuse, switch organization,
// sign-out, CSRF) through Fastify 5, against the real local Authio server.
import type { AddressInfo } from "node:net";
import { Authio } from "@authio/node";
import {
  helperCases,
  LIFECYCLE_ROUTES,
  type LifecycleEnvironment,
  lifecycleCases,
  startLifecycleEnvironment,
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
  app.post<{ Params: { id: string } }>(LIFECYCLE_ROUTES.switchOrganization, (request, reply) =>
    switchOrganization(request, reply, request.params.id),
  );
  app.post(LIFECYCLE_ROUTES.signOut, (request, reply) => signOut(request, reply));
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

  for (const c of [...lifecycleCases, ...helperCases]) test(c.name, () => c.run({ baseUrl, env }));

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
});
