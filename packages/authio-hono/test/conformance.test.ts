import type { AddressInfo } from "node:net";
import { Authio } from "@authio/node";
import {
  type ConformanceEnvironment,
  type ConformanceTarget,
  conformanceCases,
  runConformanceCase,
  startConformanceEnvironment,
} from "@authio/test-kit";
import { type ServerType, serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, test } from "vitest";
import { createFixtureApp } from "./fixture.ts";

function listen(app: ReturnType<typeof createFixtureApp>): Promise<ServerType> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(server));
  });
}
const urlOf = (server: ServerType) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

describe("conformance: Hono on Node (@hono/node-server)", () => {
  let env: ConformanceEnvironment;
  const servers: ServerType[] = [];
  let target: ConformanceTarget;

  beforeAll(async () => {
    env = await startConformanceEnvironment();
    const healthy = await listen(createFixtureApp(new Authio(env.authioOptions)));
    const broken = await listen(createFixtureApp(new Authio(env.unavailableAuthioOptions)));
    servers.push(healthy, broken);
    target = { baseUrl: urlOf(healthy), unavailableBaseUrl: urlOf(broken), tokens: env.tokens };
  });
  afterAll(async () => {
    for (const s of servers) await new Promise((r) => s.close(r));
    await env?.close();
  });

  for (const c of conformanceCases) test(c.name, () => runConformanceCase(c, target).then(() => undefined));
});
