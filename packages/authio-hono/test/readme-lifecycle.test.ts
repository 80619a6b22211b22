import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import {
  type LifecycleEnvironment,
  runReadmeSessionsExample,
  startLifecycleEnvironment,
} from "@authio/test-kit";
import { type ServerType, serve } from "@hono/node-server";
import { afterAll, beforeAll, expect, test } from "vitest";

// The README's "Browser sessions" example (test/readme-lifecycle-example.ts, verbatim) against the
// built package and the local Authio server, configured only through the environment.
let env: LifecycleEnvironment;
let server: ServerType | undefined;
let base: string;
beforeAll(async () => {
  env = await startLifecycleEnvironment();
  Object.assign(process.env, env.env);
  const { default: app } = await import("./readme-lifecycle-example.ts");
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  await env?.close();
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
