#!/usr/bin/env node
// Package checks for every published package, run after `pnpm build`:
//   publint --strict   the package.json and exports map are what npm consumers need
//   attw --pack        types resolve for ESM and CJS consumers under every resolution mode
//   dts self-check     tsc over the built .d.mts/.d.cts alone: the bundler can drop an import
// Prints one `PASS`/`FAIL` line per check and, last, `N passed, N failed`.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "../..");
const only = process.argv.slice(2);
const packagesDir = join(root, "packages");
const packages = readdirSync(packagesDir)
  .map((dir) => ({
    dir: join(packagesDir, dir),
    json: JSON.parse(readFileSync(join(packagesDir, dir, "package.json"), "utf8")),
  }))
  .filter((p) => !p.json.private && (only.length === 0 || only.includes(p.json.name)));

let passed = 0;
let failed = 0;
function check(name, cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8" });
  if (r.status === 0) {
    passed++;
    console.log(`PASS ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}\n${r.stdout}${r.stderr}${r.error ?? ""}`);
  }
}

const bin = (name) => join(root, "node_modules", ".bin", name);
const tmp = mkdtempSync(join(tmpdir(), "authio-pack-"));
try {
  for (const { dir, json } of packages) {
    check(`publint ${json.name}`, bin("publint"), ["--strict"], dir);

    // `pnpm pack` rewrites workspace: ranges the way a publish does; attw then reads the real tarball.
    const packed = spawnSync("pnpm", ["pack", "--pack-destination", tmp, "--json"], {
      cwd: dir,
      encoding: "utf8",
    });
    const tarball = packed.status === 0 ? JSON.parse(packed.stdout).filename : null;
    if (tarball) check(`attw ${json.name}`, bin("attw"), [tarball, "--format", "ascii"], dir);
    else {
      failed++;
      console.log(`FAIL attw ${json.name}: pnpm pack failed\n${packed.stderr}`);
    }

    const dts = readdirSync(join(dir, "dist"))
      .filter((f) => /\.d\.[cm]ts$/.test(f))
      .map((f) => join("dist", f));
    check(
      `dts self-check ${json.name}`,
      bin("tsc"),
      [
        "--noEmit",
        "--strict",
        "--skipLibCheck",
        "false",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "--target",
        "es2022",
        "--types",
        "node",
        ...dts,
      ],
      dir,
    );
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
