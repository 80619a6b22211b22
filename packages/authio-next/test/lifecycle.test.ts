import { type LifecycleEnvironment, lifecycleCases, startLifecycleEnvironment } from "@authio/test-kit";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type RunningApp, startFixture } from "./support/next-app.ts";

// The session lifecycle suite (sign-in through the local Authio server's hosted page, transparent
// refresh, reuse, switch organization, sign-out, CSRF) against the fixture app: `authioRoutes()` at
// /auth/[action], `GET`/`POST /private` behind `withSession` and `proxy.ts`.
let env: LifecycleEnvironment;
let app: RunningApp;

beforeAll(async () => {
  env = await startLifecycleEnvironment();
  app = await startFixture(env.env);
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await env?.close();
});

describe("session lifecycle on Next 16", () => {
  for (const c of lifecycleCases) it(c.name, () => c.run({ baseUrl: app.url, env }));
});
