#!/usr/bin/env node
// The Hono conformance matrix on Bun and Deno: runs test/runtimes/conformance.ts under each runtime
// (its fixture app served by Bun.serve / Deno.serve) and prints one closing line `N passed, N failed`
// adding both up. Needs the workspace built (`@authio/node`'s dist). Used by scripts/test.mjs.
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const pkg = resolve(fileURLToPath(import.meta.url), "../../..");
const bin = (name) => join(pkg, "../../node_modules/.bin", name);
const runtimes = [
  ["Bun", bin("bun"), ["test/runtimes/conformance.ts"]],
  ["Deno", bin("deno"), ["run", "--allow-all", "--quiet", "test/runtimes/conformance.ts"]],
];

let passed = 0;
let failed = 0;
for (const [name, cmd, args] of runtimes) {
  const out = await new Promise((done) => {
    const child = spawn(cmd, args, { cwd: pkg, stdio: ["ignore", "pipe", "inherit"], env: process.env });
    let text = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.stdout.on("data", (chunk) => {
      text += chunk;
    });
    child.on("error", (err) => {
      clearTimeout(timer);
      done({ text: `${text}\n${err}`, code: 1 });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ text, code: code ?? 1 });
    });
  });
  const m = [...out.text.matchAll(/^(\d+) passed, (\d+) failed$/gm)].at(-1);
  // Re-print the runtime's lines without its own closing line, so that ours is the only one.
  process.stdout.write(out.text.replace(/^\d+ passed, \d+ failed$/gm, (line) => `  (${name}) ${line}`));
  const p = m ? Number(m[1]) : 0;
  let f = m ? Number(m[2]) : 0;
  if (out.code !== 0 && f === 0) f = 1;
  passed += p;
  failed += f;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
