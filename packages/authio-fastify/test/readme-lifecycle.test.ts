import { readFileSync } from "node:fs";
import {
  type LifecycleEnvironment,
  runReadmeSessionsExample,
  startLifecycleEnvironment,
} from "@authio/test-kit";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, expect, test } from "vitest";

// The README's "Browser sessions" example (test/readme-lifecycle-example.ts, verbatim) against the
// built package and the local Authio server, configured only through the environment.
let env: LifecycleEnvironment;
let app: FastifyInstance;
let base: string;
beforeAll(async () => {
  env = await startLifecycleEnvironment();
  Object.assign(process.env, env.env, { PORT: "0" });
  const example = await import("./readme-lifecycle-example.ts");
  app = example.app;
  base = example.address.replace("localhost", "127.0.0.1");
});
afterAll(async () => {
  await app?.close();
  await env?.close();
  delete process.env.PORT;
  delete process.env.AUTHIO_API_URL;
  delete process.env.AUTHIO_SECRET_KEY;
});

test("the README's browser sessions example is this file, verbatim", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const example = readFileSync(new URL("./readme-lifecycle-example.ts", import.meta.url), "utf8");
  const block = /## Browser sessions[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBe(example);
});

test("README browser sessions example: sign in, switch organization, sign out", () =>
  runReadmeSessionsExample({ baseUrl: base, env }));
