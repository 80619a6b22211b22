// The runtime constraint (issue #3, item 8): nothing in @authio/node loads a Node module when it is
// imported, and verification falls back to Web Crypto where `node:crypto` cannot be had.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestKey, signToken } from "@authio/test-kit/jwks";
import { describe, expect, test } from "vitest";
import { resolveConfig } from "../src/config.ts";
import { type CryptoBackend, detectCryptoBackend } from "../src/verify/crypto-backend.ts";
import { SessionVerifier } from "../src/verify/verifier.ts";

const pkg = fileURLToPath(new URL("..", import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

// A static import or require of a Node built-in (type-only imports are erased and allowed).
const STATIC_NODE_IMPORT =
  /^\s*import\s+(?!type\s)[^;]*?from\s*["'](node:[^"']+|fs|path|crypto|http|https|buffer|os|url|util)["']/m;
const NODE_REQUIRE = /\brequire\(\s*["'](node:[^"']+|fs|path|crypto|http|https|buffer|os|url|util)["']\s*\)/;

describe("no Node built-ins at module scope", () => {
  test("no source file imports a Node module", () => {
    const offenders = files(join(pkg, "src"))
      .filter((f) => f.endsWith(".ts"))
      .filter((f) => {
        const text = readFileSync(f, "utf8");
        return (
          STATIC_NODE_IMPORT.test(text) || NODE_REQUIRE.test(text) || /^\s*import\s+["']node:/m.test(text)
        );
      });
    expect(offenders).toEqual([]);
  });

  test("the scan itself recognises what it forbids", () => {
    expect(STATIC_NODE_IMPORT.test('import { verify } from "node:crypto";')).toBe(true);
    expect(STATIC_NODE_IMPORT.test('import * as fs from "fs";')).toBe(true);
    expect(STATIC_NODE_IMPORT.test('import type { KeyObject } from "node:crypto";')).toBe(false);
    expect(NODE_REQUIRE.test('const c = require("node:crypto");')).toBe(true);
  });

  test("the built bundles, when present, import no Node module", () => {
    for (const name of ["index.mjs", "index.cjs"]) {
      let text: string;
      try {
        text = readFileSync(join(pkg, "dist", name), "utf8");
      } catch {
        continue; // not built in this checkout; CI builds before testing
      }
      expect(STATIC_NODE_IMPORT.test(text)).toBe(false);
      expect(NODE_REQUIRE.test(text)).toBe(false);
    }
  });
});

describe("crypto backend selection", () => {
  test("where process.getBuiltinModule is missing, Web Crypto verifies", async () => {
    const proc = (globalThis as { process?: { getBuiltinModule?: unknown } }).process;
    const saved = proc?.getBuiltinModule;
    const key = await createTestKey("ES256", "key_rt");
    const { startJwksServer } = await import("@authio/test-kit/jwks");
    const server = await startJwksServer([key]);
    try {
      if (proc) proc.getBuiltinModule = undefined;
      const backend = detectCryptoBackend();
      expect(backend.name).toBe("web");
      const verifier = new SessionVerifier(resolveConfig({ apiKey: server.secretKey, apiUrl: server.url }), {
        backend,
      });
      expect((await verifier.verifyDetailed(await signToken(key, server.url))).ok).toBe(true);
    } finally {
      if (proc) proc.getBuiltinModule = saved;
      await server.close();
    }
  });

  test("a crypto failure that throws fails closed: refused, never thrown, never accepted", async () => {
    const key = await createTestKey("ES256", "key_rt_throw");
    const { startJwksServer } = await import("@authio/test-kit/jwks");
    const server = await startJwksServer([key]);
    const exploding: CryptoBackend = {
      name: "web",
      importJwk: async () => () => {
        throw new TypeError("boom");
      },
      importPem: async () => () => {
        throw new TypeError("boom");
      },
    };
    try {
      const verifier = new SessionVerifier(resolveConfig({ apiKey: server.secretKey, apiUrl: server.url }), {
        backend: exploding,
      });
      expect(await verifier.verifyDetailed(await signToken(key, server.url))).toEqual({
        ok: false,
        reason: "malformed",
      });
    } finally {
      await server.close();
    }
  });

  test("where it exists, the node:crypto backend is chosen", () => {
    const has = typeof (globalThis as { process?: { getBuiltinModule?: unknown } }).process?.getBuiltinModule;
    expect(detectCryptoBackend().name).toBe(has === "function" ? "node" : "web");
  });
});
