import { Authio } from "@authio/node";
import {
  type ConformanceEnvironment,
  type ConformanceTarget,
  conformanceCases,
  runConformanceCase,
  startConformanceEnvironment,
} from "@authio/test-kit";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, test } from "vitest";
import { createFixtureApp } from "./fixture.ts";

describe("conformance: Fastify 5", () => {
  let env: ConformanceEnvironment;
  const apps: FastifyInstance[] = [];
  let target: ConformanceTarget;

  beforeAll(async () => {
    env = await startConformanceEnvironment();
    const healthy = await createFixtureApp(new Authio(env.authioOptions));
    const broken = await createFixtureApp(new Authio(env.unavailableAuthioOptions));
    apps.push(healthy, broken);
    const [baseUrl, unavailableBaseUrl] = await Promise.all(
      apps.map((app) => app.listen({ port: 0, host: "127.0.0.1" })),
    );
    target = { baseUrl: baseUrl!, unavailableBaseUrl: unavailableBaseUrl!, tokens: env.tokens };
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await env?.close();
  });

  for (const c of conformanceCases) test(c.name, () => runConformanceCase(c, target).then(() => undefined));
});
