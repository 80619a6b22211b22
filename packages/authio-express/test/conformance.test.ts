import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Authio } from "@authio/node";
import {
  type ConformanceEnvironment,
  type ConformanceTarget,
  conformanceCases,
  runConformanceCase,
  startConformanceEnvironment,
} from "@authio/test-kit";
import express5 from "express";
import express4 from "express4";
import { afterAll, beforeAll, describe, test } from "vitest";
import { createFixtureApp } from "./fixture.ts";

function listen(app: ReturnType<typeof createFixtureApp>): Promise<Server> {
  return new Promise((resolve) => {
    const server = app.listen(0, "127.0.0.1", () => resolve(server));
  });
}
const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

for (const [name, expressFn] of [
  ["Express 5", express5],
  ["Express 4", express4],
] as const) {
  describe(`conformance: ${name}`, () => {
    let env: ConformanceEnvironment;
    const servers: Server[] = [];
    let target: ConformanceTarget;

    beforeAll(async () => {
      env = await startConformanceEnvironment();
      const healthy = await listen(createFixtureApp(expressFn, new Authio(env.authioOptions)));
      const broken = await listen(createFixtureApp(expressFn, new Authio(env.unavailableAuthioOptions)));
      servers.push(healthy, broken);
      target = { baseUrl: urlOf(healthy), unavailableBaseUrl: urlOf(broken), tokens: env.tokens };
    });
    afterAll(async () => {
      for (const s of servers) {
        s.closeAllConnections();
        await new Promise((r) => s.close(r));
      }
      await env?.close();
    });

    for (const c of conformanceCases) test(c.name, () => runConformanceCase(c, target).then(() => undefined));
  });
}
