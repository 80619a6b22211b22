#!/usr/bin/env node
// Runs the core's runtime-portable verification suites on Bun (`bun test`, which maps `vitest` imports
// to its own runner) and on Deno (through `vitest-shim.mjs` and an import map), with the bun and deno
// binaries installed as root devDependencies. The same files run under vitest on Node.
// Prints each runtime's output, then one closing line: `N passed, N failed`.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const pkg = resolve(here, "..");
const root = resolve(pkg, "../..");

/** Test files that import nothing from vitest beyond describe/test/expect/beforeAll/afterAll. */
export const PORTABLE_FILES = [
  "test/verify-tokens.test.ts",
  "test/verify-codec.test.ts",
  "test/verify-token-cache.test.ts",
  "test/verify-runtime.test.ts",
  "test/jwks-cache.test.ts",
  "test/verify-networkless.test.ts",
  "test/verify-property.test.ts",
  "test/verify-config.test.ts",
  "test/request-credentials.test.ts",
  "test/request-decision.test.ts",
  // Management API client (issue #4): against the local server, which these suites start as a Node
  // child process on Bun and Deno (its SQLite driver is a Node addon).
  "test/management-transport.test.ts",
  "test/management-retry.test.ts",
  "test/management-resources.test.ts",
  "test/management-errors.test.ts",
  "test/management-pagination.test.ts",
  "test/management-faults.test.ts",
  "test/management-version.test.ts",
  "test/quickstart-management.test.ts",
  "test/webhooks-verify.test.ts",
  "test/errors-docs.test.ts",
  "test/errors-dual-build.test.ts",
];

function run(cmd, args, env = {}) {
  return new Promise((done) => {
    const child = spawn(cmd, args, {
      cwd: pkg,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const collect = (stream, sink) =>
      stream.on("data", (chunk) => {
        out += chunk;
        sink.write(chunk);
      });
    collect(child.stdout, process.stdout);
    collect(child.stderr, process.stderr);
    child.on("error", (error) => {
      out += `\n${error.message}`;
      done({ code: 1, out });
    });
    child.on("close", (code) => done({ code: code ?? 1, out }));
  });
}

const results = [];

async function bun() {
  console.log("\n── Bun");
  const { code, out } = await run(join(root, "node_modules/.bin/bun"), [
    "test",
    ...PORTABLE_FILES.map((f) => `./${f}`),
  ]);
  const passed = Number(/^\s*(\d+) pass$/m.exec(out)?.[1] ?? 0);
  let failed = Number(/^\s*(\d+) fail$/m.exec(out)?.[1] ?? 0);
  if (code !== 0 && failed === 0) failed = 1;
  results.push({ runtime: "Bun", passed, failed });
}

async function deno() {
  console.log("\n── Deno");
  const dir = mkdtempSync(join(tmpdir(), "authio-deno-"));
  try {
    const importMap = join(dir, "import-map.json");
    const shim = pathToFileURL(join(here, "vitest-shim.mjs")).href;
    writeFileSync(importMap, JSON.stringify({ imports: { vitest: shim } }));
    const { code, out } = await run(
      join(root, "node_modules/.bin/deno"),
      [
        "run",
        "--allow-all",
        "--no-lock",
        // The sources import `./x.js` for `./x.ts`, as TypeScript's NodeNext resolution wants.
        "--unstable-sloppy-imports",
        `--import-map=${importMap}`,
        "scripts/deno-test-runner.mjs",
        ...PORTABLE_FILES,
      ],
      { NO_COLOR: "1" },
    );
    const m = [...out.matchAll(/^(\d+) passed, (\d+) failed$/gm)].at(-1);
    const passed = Number(m?.[1] ?? 0);
    let failed = Number(m?.[2] ?? 0);
    if (code !== 0 && failed === 0) failed = 1;
    results.push({ runtime: "Deno", passed, failed });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await bun();
await deno();
console.log("\n── runtimes");
for (const r of results)
  console.log(`${r.failed ? "FAIL" : "ok  "} ${r.runtime}: ${r.passed} passed, ${r.failed} failed`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
