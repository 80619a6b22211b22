/**
 * The built package: `instanceof AuthioError` holds across the ESM and the CJS build loaded in one
 * process (both ways), and an error thrown by the real transport of either build never shows the key.
 * Needs `pnpm --filter @authio/node build` first (the test says so when dist is missing).
 */
import { createRequire } from "node:module";
import { describe, expect, test } from "vitest";

const require = createRequire(import.meta.url);
const distUrl = new URL("../dist/", import.meta.url);

type Sdk = typeof import("../src/index.ts");

async function loadBoth(): Promise<{ esm: Sdk; cjs: Sdk }> {
  try {
    const esm = (await import(new URL("index.mjs", distUrl).href)) as Sdk;
    const cjs = require(new URL("index.cjs", distUrl).pathname) as Sdk;
    return { esm, cjs };
  } catch (err) {
    throw new Error(
      `dist/ is missing or broken: run \`pnpm --filter @authio/node build\` first (${String(err)})`,
    );
  }
}

describe("AuthioError across the ESM and CJS builds", () => {
  test("two distinct classes, one brand: instanceof holds both ways", async () => {
    const { esm, cjs } = await loadBoth();
    expect(esm.AuthioError).not.toBe(cjs.AuthioError);
    const fromEsm = new esm.AuthioError({ code: "not_found", message: "x", status: 404 });
    const fromCjs = new cjs.AuthioError({ code: "not_found", message: "x", status: 404 });
    expect(fromEsm).toBeInstanceOf(cjs.AuthioError);
    expect(fromCjs).toBeInstanceOf(esm.AuthioError);
    expect(fromEsm).toBeInstanceOf(esm.AuthioError);
    expect(fromCjs).toBeInstanceOf(Error);
    // Nothing else passes for one.
    expect(new Error("x")).not.toBeInstanceOf(esm.AuthioError);
    expect({ code: "not_found" }).not.toBeInstanceOf(cjs.AuthioError);
    expect(null).not.toBeInstanceOf(cjs.AuthioError);
  });

  test("errors thrown by each build's transport are instances of the other build's class", async () => {
    const { esm, cjs } = await loadBoth();
    const secret = "sk_test_dualbuildsecret000000";
    for (const [a, b] of [
      [esm, cjs],
      [cjs, esm],
    ] as const) {
      const client = new a.Authio({ apiKey: secret, apiUrl: "http://127.0.0.1:9", maxRetries: 0 });
      const err = await client.organizations.get("org_1").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(b.AuthioError);
      expect((err as InstanceType<Sdk["AuthioError"]>).code).toBe("network_error");
      const shown = `${String(err)}${(err as Error).stack}${JSON.stringify(err)}${String((err as Error).cause)}`;
      expect(shown).not.toContain("dualbuildsecret");
    }
  });
});

describe("AuthioError never carries a secret key", () => {
  test("message, details, cause and stack are redacted; no enumerable field holds it", async () => {
    const { esm } = await loadBoth();
    const key = "sk_live_AbC123_def-456";
    const cause = new Error(`upstream said Authorization: Bearer ${key}`);
    const err = new esm.AuthioError({
      code: "invalid_api_key",
      message: `bad key ${key}`,
      details: [{ field: "apiKey", code: "invalid", message: `got ${key}` }],
      cause,
    });
    const everything = [
      err.message,
      err.stack,
      JSON.stringify(err),
      JSON.stringify(err.details),
      String(err.cause),
      (err.cause as Error).stack,
      ...Object.values(err).map(String),
    ].join("\n");
    expect(everything).not.toContain("AbC123");
    expect(err.message).toBe("bad key sk_live_[redacted]");
    expect(Object.keys(err).sort()).toEqual([
      "code",
      "details",
      "name",
      "requestId",
      "retryAfter",
      "retryable",
      "status",
    ]);
    // A cause without secrets is kept as is, for debugging.
    const plain = new Error("ECONNRESET");
    expect(new esm.AuthioError({ code: "network_error", message: "x", cause: plain }).cause).toBe(plain);
  });
});
