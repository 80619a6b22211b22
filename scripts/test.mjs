#!/usr/bin/env node
// The whole test suite, as `npm test` runs it after scripts/bootstrap.mjs has installed the workspace:
// lint, build, typecheck, package checks, every vitest project (unit, type, integration, browser) and
// the core's suites on Bun and Deno. Every step runs even when an earlier one failed (except after a
// failed build), and the last line adds up every runner: `N passed, N failed`.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "../..");
const tmp = mkdtempSync(join(tmpdir(), "authio-test-"));
const results = [];

/** Runs a command with inherited output; resolves its exit code and, if asked, its captured stdout. */
function run(cmd, args, { capture = false, env = {} } = {}) {
  return new Promise((done) => {
    const child = spawn(cmd, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"],
    });
    let out = "";
    child.stdout?.on("data", (chunk) => {
      out += chunk;
      process.stdout.write(chunk);
    });
    child.on("error", (err) => {
      console.error(err);
      done({ code: 1, out });
    });
    child.on("close", (code) => done({ code: code ?? 1, out }));
  });
}

/** A step that counts as one test: it passes when the command exits 0. */
async function step(name, cmd, args) {
  console.log(`\n━━ ${name}`);
  const { code } = await run(cmd, args);
  results.push({ name, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1 });
  return code === 0;
}

/** A step whose own closing line `N passed, N failed` is added up. */
async function countedStep(name, cmd, args) {
  console.log(`\n━━ ${name}`);
  const { code, out } = await run(cmd, args, { capture: true });
  const m = [...out.matchAll(/^(\d+) passed, (\d+) failed/gm)].at(-1);
  const passed = m ? Number(m[1]) : 0;
  let failed = m ? Number(m[2]) : 0;
  if (code !== 0 && failed === 0) failed = 1;
  results.push({ name, passed, failed });
  return code === 0;
}

/** A vitest run whose JSON report is added up. */
async function vitestStep(name, args, env = {}) {
  console.log(`\n━━ ${name}`);
  const report = join(tmp, `${results.length}.json`);
  const { code } = await run(
    join(root, "node_modules/.bin/vitest"),
    ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...args],
    { env },
  );
  let passed = 0;
  let failed = 0;
  try {
    const json = JSON.parse(readFileSync(report, "utf8"));
    passed = json.numPassedTests;
    failed = json.numFailedTests;
  } catch {
    // no report: the run itself broke
  }
  if (code !== 0 && failed === 0) failed = 1;
  results.push({ name, passed, failed });
  return code === 0;
}

const bin = (name) => join(root, "node_modules/.bin", name);
try {
  await step("lint (biome ci)", bin("biome"), ["ci", "."]);
  const built = await step("build", bin("turbo"), ["run", "build", "--output-logs=errors-only"]);
  if (built) {
    await step("typecheck", bin("turbo"), ["run", "typecheck", "--output-logs=errors-only"]);
    await countedStep("package checks (publint, attw, dts)", process.execPath, [
      "scripts/check-packages.mjs",
    ]);
    await vitestStep("vitest (Node)", []);
    await countedStep("Hono adapter conformance on Bun and Deno", process.execPath, [
      "packages/authio-hono/test/runtimes/run.mjs",
    ]);
    await countedStep("core verification suites on Bun and Deno", process.execPath, [
      "packages/authio-node/scripts/test-runtimes.mjs",
    ]);
    await countedStep("benchmarks, quick mode (they still run)", process.execPath, [
      "scripts/bench.mjs",
      "--quick",
    ]);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

console.log("\n━━ summary");
for (const r of results)
  console.log(`${r.failed ? "FAIL" : "ok  "} ${r.name}: ${r.passed} passed, ${r.failed} failed`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
