#!/usr/bin/env node
// What @authio/node costs to load and to ship, beside @clerk/backend and @workos-inc/node:
//   import time   in a fresh process, `await import(pkg)` only (Node's own start excluded), median
//   own code      the package's code minified + gzipped, its dependencies left out (target < 15 kB)
//   with deps     everything its entry pulls in, minified + gzipped
//   installed     the package and its dependency closure on disk
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "rolldown";
import { fmt, median, quick, root, table, writeSection } from "./lib/report.mjs";

const benchDir = join(root, "bench");
const PACKAGES = ["@authio/node", "@clerk/backend", "@workos-inc/node"];
const RUNS = quick ? 2 : 15;

function packageDir(name, from = benchDir) {
  let dir = dirname(createRequire(join(from, "noop.js")).resolve(name));
  while (
    !readdirSync(dir).includes("package.json") ||
    JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name !== name
  ) {
    dir = dirname(dir);
  }
  return realpathSync(dir);
}

function dirSize(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? dirSize(path) : statSync(path).size;
  }
  return total;
}

/** The package plus every dependency it installs, each counted once. */
function installedSize(name) {
  const seen = new Set();
  const visit = (pkg, from) => {
    let dir;
    try {
      dir = packageDir(pkg, from);
    } catch {
      return; // optional or platform-specific dependency that is not installed
    }
    if (seen.has(dir)) return;
    seen.add(dir);
    const json = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    for (const dep of Object.keys(json.dependencies ?? {})) visit(dep, dir);
  };
  visit(name, benchDir);
  return { bytes: [...seen].reduce((n, d) => n + dirSize(d), 0), packages: seen.size };
}

async function minGzip(name, { external }) {
  // The ESM entry, as a bundler of a modern app would pick it.
  const entry = fileURLToPath(import.meta.resolve(name));
  const bundle = await build({
    input: entry,
    write: false,
    platform: "node",
    external: external
      ? (id) => !id.startsWith(".") && !id.startsWith("/") && !id.startsWith("\0")
      : (id) => id.startsWith("node:"),
    output: { format: "esm", minify: true, codeSplitting: false },
    logLevel: "silent",
  });
  const code = bundle.output.map((chunk) => chunk.code ?? "").join("\n");
  return gzipSync(code, { level: 9 }).length;
}

function importTime(name) {
  const script = `const t=performance.now();await import(${JSON.stringify(name)});process.stdout.write(String(performance.now()-t));`;
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    times.push(
      Number(
        execFileSync(process.execPath, ["--input-type=module", "-e", script], {
          cwd: benchDir,
          encoding: "utf8",
        }),
      ),
    );
  }
  return median(times);
}

const rows = [];
const results = {};
for (const name of PACKAGES) {
  const version = JSON.parse(readFileSync(join(packageDir(name), "package.json"), "utf8")).version;
  const r = {
    import: importTime(name),
    own: await minGzip(name, { external: true }),
    all: await minGzip(name, { external: false }),
    installed: installedSize(name),
  };
  results[name] = r;
  rows.push([
    `\`${name}\` ${version}`,
    `${fmt(r.import)} ms`,
    `${fmt(r.own / 1024)} kB`,
    `${fmt(r.all / 1024)} kB`,
    `${fmt(r.installed.bytes / 1024 / 1024, 2)} MB (${r.installed.packages} packages)`,
  ]);
}

const own = results["@authio/node"].own / 1024;
writeSection(
  "footprint",
  `## Footprint: import time and size

Import time is \`await import(pkg)\` in a fresh Node process (median of ${RUNS}; Node's own start excluded).
Sizes are minified + gzipped bundles of each package's entry: "own code" leaves its dependencies out,
"with dependencies" bundles everything it pulls in. Installed size is the package and its dependency
closure on disk.

${table(["package", "import time", "own code (min+gz)", "with dependencies (min+gz)", "installed"], rows)}

Target: \`@authio/node\`'s own code (jose excluded) under 15 kB min+gzip — measured ${fmt(own)} kB: ${
    own < 15
      ? "met"
      : "**missed**. The one entry carries everything: session verification with its own strict JWS parser and JWKS cache, the whole Management API client (transport, retries, five resources, validating parsers), the browser session lifecycle the adapters share, and webhook verification. An app bundler drops what the app does not import only partly, since the client class wires every resource"
  }.
\`jose\` is imported lazily (only for keys on runtimes without \`node:crypto\`), so it costs no start-up time; "with dependencies" counts all of it.`,
);
