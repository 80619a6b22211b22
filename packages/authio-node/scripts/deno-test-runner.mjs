// Runs runtime-portable test files on Deno with `vitest-shim.mjs` standing in for vitest (an import map
// maps `vitest` to it). Usage: deno run -A --unstable-sloppy-imports --import-map=<map> deno-test-runner.mjs <files…>
// Ends with the line `N passed, N failed`, and exits non-zero on any failure.
import { runFile } from "vitest";

const files = Deno.args;
let passed = 0;
let failed = 0;
for (const file of files) {
  const url = new URL(file, `file://${Deno.cwd()}/`).href;
  try {
    const counts = await runFile(url, file);
    passed += counts.passed;
    failed += counts.failed;
  } catch (error) {
    failed++;
    console.log(`FAIL ${file} could not be loaded\n     ${error?.stack ?? error}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
Deno.exit(failed === 0 ? 0 : 1);
