#!/usr/bin/env node
// Throughput of the local Authio server under autocannon on 127.0.0.1: GET /v1/jwks, create organization and
// create session, 200 concurrent connections each. The server runs as its own process (the built CLI) on a
// file database with synchronous=FULL — every create is fsynced before it is acknowledged — so the numbers are
// those of the durable configuration users get by default, not of :memory:.
//
//   node packages/authio-local/bench/local.bench.mjs            10 s per case
//   BENCH_QUICK=1 node packages/authio-local/bench/local.bench.mjs   about two seconds per case
//   BENCH_CASE=sessions node …                                      only the cases whose name contains it
//
// Writes its markdown section to bench-results/local.md (or $BENCH_RESULTS_DIR/local.md) and prints it.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const packageDir = resolve(fileURLToPath(import.meta.url), "../..");
const root = resolve(packageDir, "../..");
const quick = process.env.BENCH_QUICK === "1";
const DURATION = quick ? 2 : 10;
const CONNECTIONS = 200;
// Generous: on a machine shared with other builds the client itself can be descheduled for seconds, which
// autocannon would count as server timeouts. The server's own latency is far below this.
const TIMEOUT = 30;
const SECRET = "sk_test_benchmark_local_server";

const cli = join(packageDir, "dist", "cli.mjs");
if (!existsSync(cli)) {
  console.error("Build the package first: pnpm --filter @authio/local build");
  process.exit(1);
}

function startServer(dbPath, seedPath) {
  const child = spawn(
    process.execPath,
    [cli, "start", "--port", "0", "--db", dbPath, "--seed", seedPath, "--secret-key", SECRET, "--quiet"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolvePromise, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const url = /AUTHIO_API_URL=(\S+)/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        resolvePromise({ child, url });
      }
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
}

function run(options) {
  return new Promise((resolvePromise, reject) => {
    autocannon(
      { connections: CONNECTIONS, duration: DURATION, timeout: TIMEOUT, ...options },
      (err, result) => (err ? reject(err) : resolvePromise(result)),
    );
  });
}

let slugCounter = 0;
const runId = Date.now().toString(36);
const headers = { authorization: `Bearer ${SECRET}`, "content-type": "application/json" };
const dir = mkdtempSync(join(tmpdir(), "authio-local-bench-"));
const seedPath = join(dir, "seed.json");
writeFileSync(
  seedPath,
  JSON.stringify({
    users: [{ id: "user_bench", email: "bench@bench.test" }],
    organizations: [{ id: "org_bench", name: "Bench", slug: "bench" }],
    memberships: [{ user: "user_bench", organization: "org_bench", role: "admin" }],
  }),
);

const only = process.env.BENCH_CASE;
const cases = [
  { name: "`GET /v1/jwks`", options: { method: "GET", path: "/v1/jwks" } },
  {
    name: "`POST /v1/organizations` (create)",
    // A fresh slug per request (a run-unique prefix plus a counter): every request writes a new row.
    options: {
      method: "POST",
      path: "/v1/organizations",
      requests: [
        {
          setupRequest: (req) => {
            const n = (slugCounter++).toString(36);
            return { ...req, body: JSON.stringify({ name: `Bench ${n}`, slug: `b-${runId}-${n}` }) };
          },
        },
      ],
    },
  },
  {
    name: "`POST /v1/sessions` (create + sign ES256)",
    options: {
      method: "POST",
      path: "/v1/sessions",
      body: JSON.stringify({ userId: "user_bench", organizationId: "org_bench" }),
    },
  },
];

const rows = [];
const loadBefore = loadavg()[0];
let errorsSeen = 0;
const { child, url } = await startServer(join(dir, "bench.db"), seedPath);
try {
  for (const c of cases.filter((c) => !only || c.name.includes(only))) {
    if (!quick) await run({ url: `${url}${c.options.path}`, ...c.options, headers, duration: 1 }); // warm-up
    const r = await run({ url: `${url}${c.options.path}`, ...c.options, headers });
    const errors = r.errors + r.timeouts + r.non2xx;
    errorsSeen += errors;
    rows.push([
      c.name,
      Math.round(r.requests.average).toLocaleString("en-US"),
      `${r.latency.p50} ms`,
      `${r.latency.p99} ms`,
      String(errors),
      r.requests.total.toLocaleString("en-US"),
    ]);
    console.log(
      `${c.name}: ${Math.round(r.requests.average)} req/s, p99 ${r.latency.p99} ms, ${errors} errors (${r.errors} socket, ${r.timeouts} timeouts, ${r.non2xx} non-2xx)`,
    );
  }
} finally {
  child.kill("SIGTERM");
  await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
  rmSync(dir, { recursive: true, force: true });
}

const line = (cells) => `| ${cells.join(" | ")} |`;
const header = ["case", "requests/s", "p50", "p99", "errors", "requests"];
const markdown = `## Local server (\`@authio/local\`)

autocannon on 127.0.0.1, ${CONNECTIONS} concurrent connections, ${DURATION} s per case${quick ? " (quick mode: proves the script runs, numbers mean little)" : ", after a 1 s warm-up"}. The
server is the built CLI in its own process on a SQLite file with \`synchronous=FULL\` (each create is durable
before it is acknowledged; concurrent writes share one fsync). Errors count socket errors, timeouts (${TIMEOUT} s)
and non-2xx answers.
${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}; load average ${loadBefore.toFixed(1)} before and
${loadavg()[0].toFixed(1)} after the run (other work on the machine competes with both server and client).

${[line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n")}

${errorsSeen === 0 ? `Zero errors at ${CONNECTIONS} concurrent connections.` : `**${errorsSeen} errors** at ${CONNECTIONS} concurrent connections.`}
`;

console.log(`\n${markdown}`);
const resultsDir = process.env.BENCH_RESULTS_DIR ?? join(root, "bench-results");
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, "local.md"), markdown);
if (errorsSeen > 0) process.exit(1);
