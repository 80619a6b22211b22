#!/usr/bin/env node
// `npm test`, `npm run demo` and `npm run bench` must work on a machine that has only Node: this script
// brings the pinned pnpm (10.x: 11+ needs Node 22), installs the workspace from the lockfile, and then
// hands over to scripts/<task>.mjs with pnpm and the workspace binaries on PATH.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const PNPM_VERSION = "10.34.9";
const root = resolve(fileURLToPath(import.meta.url), "../..");
const task = process.argv[2];
const tasks = new Set(["test", "demo", "bench"]);
if (!tasks.has(task)) {
  console.error(`usage: node scripts/bootstrap.mjs <${[...tasks].join("|")}> [args…]`);
  process.exit(2);
}

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Authio SDK needs Node >= 20.19 (this is ${process.version}).`);
  process.exit(1);
}

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function pnpmBinDir() {
  const global = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
  if (global.status === 0 && global.stdout.trim() === PNPM_VERSION) return null;
  const local = join(root, ".tools", "pnpm");
  const bin = join(local, "node_modules", ".bin");
  if (!existsSync(join(bin, "pnpm"))) {
    console.log(`› fetching pnpm ${PNPM_VERSION} into .tools/pnpm`);
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const status = run(npm, [
      "install",
      "--prefix",
      local,
      "--no-save",
      "--no-package-lock",
      `pnpm@${PNPM_VERSION}`,
    ]);
    if (status !== 0) process.exit(status);
  }
  return bin;
}

const binDir = pnpmBinDir();
const PATH = [binDir, join(root, "node_modules", ".bin"), process.env.PATH].filter(Boolean).join(delimiter);
const env = { ...process.env, PATH, NEXT_TELEMETRY_DISABLED: "1" };

console.log("› pnpm install --frozen-lockfile");
const installed = run("pnpm", ["install", "--frozen-lockfile"], env);
if (installed !== 0) process.exit(installed);

process.exit(run(process.execPath, [join(root, "scripts", `${task}.mjs`), ...process.argv.slice(3)], env));
