#!/usr/bin/env node
// Adapters benchmark: requests/s of the same `GET /hello` route, unguarded and guarded, for
// @authio/express, @authio/fastify, @authio/hono and an @authio/next route handler, beside what a user
// would otherwise pick (express-jwt + jwks-rsa, @fastify/jwt + get-jwks, hono/jwk, jose in the Next
// route handler) — with one repeated token and with distinct tokens. The servers and the load generator (autocannon) run in separate processes, pinned to
// separate cores when `taskset` exists. On a shared, noisy machine absolute numbers drift, so every
// framework's cases run in alternating short slices (rounds, the starting case rotated each round) and
// each ratio is the median of per-round ratios against the unguarded slice of the same round.
// `BENCH_QUICK=1`: one short round, only to prove the script runs.
//
//   node bench/adapters.bench.mjs      → prints the table, writes bench-results/adapters.md
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { buildNextApp, startNextServer } from "./adapters/next.mjs";
import { fmt, median, quick, table, writeSection } from "./lib/report.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS) || (quick ? 1 : 7);
const SECONDS = Number(process.env.BENCH_SECONDS) || (quick ? 1 : 3);
// Next.js answers ~30× fewer requests per second, with more variance (its heap, its GC): more and
// longer slices for the same confidence.
const NEXT_ROUNDS = Number(process.env.BENCH_ROUNDS) || (quick ? 1 : 9);
const NEXT_SECONDS = Number(process.env.BENCH_SECONDS) || (quick ? 1 : 4);
const WARMUP_SECONDS = quick ? 1 : 2;
const CONNECTIONS = 32;
const DISTINCT = quick ? 2_000 : 50_000;
const pinned = spawnSync("taskset", ["-c", "0", "true"]).status === 0;
const pin = (core, cmd, args) => (pinned ? ["taskset", ["-c", String(core), cmd, ...args]] : [cmd, args]);

// ── keys, JWKS endpoint, tokens ──
const { privateKey, publicKey } = await generateKeyPair("ES256");
const jwk = { ...(await exportJWK(publicKey)), kid: "key_bench", alg: "ES256", use: "sig" };
let jwksFetches = 0;
const jwks = createServer((req, res) => {
  jwksFetches++;
  res.writeHead(req.url === "/v1/jwks" ? 200 : 404, {
    "content-type": "application/json",
    "cache-control": "public, max-age=300",
  });
  res.end(JSON.stringify({ keys: [jwk] }));
});
await new Promise((r) => jwks.listen(0, "127.0.0.1", r));
const issuer = `http://127.0.0.1:${jwks.address().port}`;
const now = Math.floor(Date.now() / 1000);
const mint = (i) =>
  new SignJWT({ sub: `user_bench${i}`, sid: `session_bench${i}`, org_id: "org_bench", role: "admin" })
    .setProtectedHeader({ alg: "ES256", kid: "key_bench", typ: "JWT" })
    .setIssuer(issuer)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .setJti(`jti_${i}`)
    .sign(privateKey);
const repeated = [await mint(0)];
const distinct = [];
for (let i = 1; i <= DISTINCT; i++) distinct.push(await mint(i));

const tmp = mkdtempSync(join(tmpdir(), "authio-bench-"));

// Every process this script starts, so that Ctrl-C (or a kill) stops them too, not only a normal end.
const children = new Set();
function track(child) {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    for (const child of children) child.kill("SIGKILL");
    rmSync(tmp, { recursive: true, force: true });
    process.exit(130);
  });
}

// ── cases ──
const FRAMEWORKS = [
  { name: "Express 5", key: "express", other: "express-jwt" },
  { name: "Fastify 5", key: "fastify", other: "@fastify/jwt" },
  { name: "Hono (node-server)", key: "hono", other: "hono/jwk" },
  {
    name: "Next.js 16 (route handler)",
    key: "next",
    other: "jose",
    rounds: NEXT_ROUNDS,
    seconds: NEXT_SECONDS,
  },
];
// BENCH_ONLY=hono (or express, fastify, next): one framework only, to look into it.
const only = process.env.BENCH_ONLY?.split(",");
const cases = [];
for (const f of FRAMEWORKS.filter((x) => !only || only.includes(x.key))) {
  cases.push({ f, guard: "none", tokens: "repeated" });
  cases.push({ f, guard: "headers", tokens: "repeated" });
  for (const guard of ["authio", f.other])
    for (const tokens of ["repeated", "distinct"]) cases.push({ f, guard, tokens });
}

function startServer(variant) {
  const [framework, guard] = variant.split(":");
  if (framework === "next") return startNextServer(guard, issuer, pin, track);
  const [cmd, args] = pin(0, process.execPath, [join(here, "adapters/server.mjs"), variant, issuer]);
  const child = track(spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit", "ipc"], cwd: here }));
  return new Promise((resolve, reject) => {
    let buf = "";
    child.stdout.on("data", (d) => {
      buf += d;
      const line = buf.split("\n")[0];
      if (buf.includes("\n")) resolve({ child, url: `http://127.0.0.1:${JSON.parse(line).port}/hello` });
    });
    child.on("exit", (code) => reject(new Error(`server ${variant} exited ${code}`)));
  });
}

/** Retries: in a shared checkout a workspace package's dist may be mid-rebuild for a few seconds. */
async function startWithRetries(variant) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServer(variant);
    } catch (err) {
      if (attempt >= 10) throw err;
      await new Promise((r) => setTimeout(r, 3000));
    }
  }
}

/** The server process's CPU time so far, µs (user + system). */
function cpuOf(child) {
  return new Promise((resolve) => {
    child.once("message", (usage) => resolve(usage.user + usage.system));
    child.send("cpu");
  });
}

/** One load slice, in its own process; async, so that this process keeps serving the JWKS meanwhile. */
function load(url, tokens, seconds) {
  const config = join(tmp, "load.json");
  writeFileSync(
    config,
    JSON.stringify({ url, seconds, connections: CONNECTIONS, tokens: JSON.parse(tokens) }),
  );
  const [cmd, args] = pin(1, process.execPath, [join(here, "adapters/load.mjs"), config]);
  const child = track(spawn(cmd, args, { cwd: here, stdio: ["ignore", "pipe", "pipe"] }));
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  child.stderr.on("data", (d) => {
    err += d;
  });
  return new Promise((resolve, reject) => {
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`load generator failed: ${err}`));
      else resolve(JSON.parse(out.trim().split("\n").at(-1)));
    });
  });
}

const tokenJson = { repeated: JSON.stringify(repeated), distinct: JSON.stringify(distinct) };
const samples = new Map(cases.map((c) => [c, []]));
const ratios = new Map(cases.map((c) => [c, []]));
const cpuRatios = new Map(cases.map((c) => [c, []]));
const anomalies = [];
const fetches = new Map();
try {
  if (cases.some((c) => c.f.key === "next")) await buildNextApp();
  for (const f of FRAMEWORKS.filter((x) => cases.some((c) => c.f === x))) {
    const mine = cases.filter((c) => c.f === f);
    const servers = new Map();
    const fetchesBefore = jwksFetches;
    try {
      for (const guard of ["none", "headers", "authio", f.other]) {
        const variant = `${f.key}:${guard}`;
        const server = await startWithRetries(variant);
        servers.set(guard, server);
        // Sanity: guarded variants must refuse a request without a token and accept the token.
        const ok = await fetch(server.url, { headers: { authorization: `Bearer ${repeated[0]}` } });
        if (ok.status !== 200)
          throw new Error(`${variant}: a valid token got ${ok.status}: ${await ok.text()}`);
        if (guard !== "none" && guard !== "headers") {
          const anon = await fetch(server.url);
          if (anon.status !== 401) throw new Error(`${variant}: no token got ${anon.status}`);
        }
      }
      for (const c of mine) await load(servers.get(c.guard).url, tokenJson[c.tokens], WARMUP_SECONDS);
      const rounds = f.rounds ?? ROUNDS;
      for (let round = 0; round < rounds; round++) {
        const order = mine.map((_, i) => mine[(i + round) % mine.length]);
        const got = new Map();
        for (const c of order) {
          const server = servers.get(c.guard);
          const cpuBefore = await cpuOf(server.child);
          const r = await load(server.url, tokenJson[c.tokens], f.seconds ?? SECONDS);
          r.cpuPerRequest = ((await cpuOf(server.child)) - cpuBefore) / Math.max(1, r.total);
          if (r.non2xx || r.errors || r.timeouts)
            anomalies.push(`${f.key}:${c.guard} ${c.tokens}: ${JSON.stringify(r)}`);
          samples.get(c).push(r);
          got.set(c, r);
          console.log(
            `  round ${round + 1}/${rounds} ${`${f.key}:${c.guard}`.padEnd(24)} ${c.tokens.padEnd(9)} ${fmt(r.rps, 0)} req/s, ${fmt(r.cpuPerRequest, 1)} µs CPU/req`,
          );
        }
        for (const c of mine) {
          ratios.get(c).push(got.get(c).rps / got.get(mine[0]).rps);
          cpuRatios.get(c).push(got.get(mine[0]).cpuPerRequest / got.get(c).cpuPerRequest);
        }
      }
      fetches.set(f, jwksFetches - fetchesBefore);
    } finally {
      // One process may serve several variants (Next.js): stop each once.
      for (const child of new Set([...servers.values()].map((s) => s.child))) {
        child.kill("SIGTERM");
        await new Promise((r) =>
          child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", r),
        );
      }
    }
  }
} finally {
  jwks.close();
  rmSync(tmp, { recursive: true, force: true });
}

// ── report ──
const rows = [];
const verdicts = [];
for (const f of FRAMEWORKS.filter((x) => cases.some((c) => c.f === x))) {
  const mine = cases.filter((c) => c.f === f);
  for (const c of mine) {
    const s = samples.get(c);
    const rps = median(s.map((x) => x.rps));
    const label =
      c.guard === "none"
        ? "unguarded"
        : c.guard === "headers"
          ? "unguarded + Cache-Control/Vary only"
          : c.guard === "authio"
            ? `@authio/${f.key}`
            : c.guard;
    rows.push([
      f.name,
      label,
      c.guard === "none" || c.guard === "headers"
        ? "—"
        : c.tokens === "repeated"
          ? "1 repeated"
          : `${DISTINCT.toLocaleString("en")} distinct`,
      fmt(rps, 0),
      `${fmt(median(s.map((x) => x.p50)), 0)} / ${fmt(median(s.map((x) => x.p99)), 0)}`,
      `${fmt(median(ratios.get(c)), 2)}×`,
      fmt(median(s.map((x) => x.cpuPerRequest)), 1),
      `${fmt(median(cpuRatios.get(c)), 2)}×`,
    ]);
    if (c.guard === "authio" && c.tokens === "repeated") {
      const ratio = median(ratios.get(c));
      const cpuRatio = median(cpuRatios.get(c));
      const verdict = (x) => (x >= 0.85 ? "meets ≥ 0.85×" : "below the 0.85× target");
      verdicts.push(
        `${f.name}, one repeated token: guarded/unguarded ${fmt(ratio, 2)}× by req/s (${verdict(ratio)}), ${fmt(cpuRatio, 2)}× by server CPU per request (${verdict(cpuRatio)})`,
      );
    }
  }
  // Distinct tokens, against the alternative. The alternative does the same work for one repeated
  // token as for distinct ones (none of them caches verifications): the gap between its two rows is
  // this run's noise for the framework, printed beside the comparison.
  const find = (guard, tokens) => mine.find((c) => c.guard === guard && c.tokens === tokens);
  const [ours, theirs, theirsRepeated] = [
    find("authio", "distinct"),
    find(f.other, "distinct"),
    find(f.other, "repeated"),
  ];
  if (ours && theirs && theirsRepeated) {
    const a = median(ratios.get(ours));
    const b = median(ratios.get(theirs));
    const noise = Math.abs(median(ratios.get(theirsRepeated)) - b);
    const standing = Math.abs(a - b) <= noise ? "within this run's noise" : a > b ? "ahead" : "behind";
    verdicts.push(
      `${f.name}, distinct tokens: @authio/${f.key} ${fmt(a, 2)}× vs ${f.other} ${fmt(b, 2)}× by req/s (${standing}; ${f.other} measured ${fmt(median(ratios.get(theirsRepeated)), 2)}× for the same work with one repeated token)`,
    );
  }
}
const md = `## Adapters: guarded vs unguarded requests/s

The same \`GET /hello\` route (a small JSON answer) served unguarded, behind the Authio adapter
(\`authenticate()\` + \`requireSession()\`; Fastify: the plugin + \`config: { authio: true }\`; Next.js: a
route handler wrapped in \`withSession()\`, served by \`next start\` after \`next build\` — one server with
the variants as four routes, since one Next server process differs from the next by more than a guard
costs), and behind
the library a user would otherwise pick. "unguarded + Cache-Control/Vary only" is the unguarded route
plus just the two headers every session-dependent answer must carry (\`Cache-Control: private\`,
\`Vary: Authorization, Cookie\`), set the framework's usual way: the part of the guard's cost that is
those headers alone. The libraries: express-jwt 8 + jwks-rsa 4 (JWKS cached), @fastify/jwt 10 +
get-jwks 11, hono/jwk (keys fetched once at startup — with \`jwks_uri\` it fetches them on every request),
and for Next.js, which has no such middleware, jose 6's \`createRemoteJWKSet\` + \`jwtVerify\` in the handler.
ES256 tokens; every request carries \`Authorization: Bearer …\`: one token repeated, or
${DISTINCT.toLocaleString("en")} distinct tokens cycled through. autocannon, ${CONNECTIONS} connections, ${SECONDS} s per
slice after a ${WARMUP_SECONDS} s warm-up (Next.js: ${NEXT_SECONDS} s slices); ${ROUNDS} round${ROUNDS > 1 ? "s" : ""} (Next.js: ${NEXT_ROUNDS}) of alternating slices per framework (starting case
rotated); req/s is the median slice, "vs unguarded" the median of per-round ratios to the unguarded
slice of the same round. "Server CPU µs/req" is the server process's CPU time (user + system) over
a slice divided by the requests it answered — much less disturbed by other processes than req/s — and
"capacity vs unguarded (CPU)" is unguarded CPU/req ÷ this CPU/req (per round, median): the throughput
ratio a dedicated core would see. Servers and load generator in separate processes${pinned ? ", pinned to cores 0 and 1\n(`taskset`)" : " (no `taskset`: not pinned)"}. Load average when the run started: ${loadavg()[0].toFixed(1)} on ${cpus().length} cores.${quick ? "\n\n**Quick mode** (`BENCH_QUICK=1`): one short run, numbers not meaningful." : ""}

${table(
  [
    "framework",
    "guard",
    "tokens",
    "req/s (median)",
    "latency p50 / p99 ms",
    "req/s vs unguarded",
    "server CPU µs/req",
    "capacity vs unguarded (CPU)",
  ],
  rows,
)}

${verdicts.map((v) => `- ${v}`).join("\n")}
- JWKS fetches during each framework's runs (all its guarded servers together): ${FRAMEWORKS.map((f) => `${f.name} ${fetches.get(f) ?? "n/a"}`).join(", ")}.
${anomalies.length ? `\nAnomalies (non-2xx answers or errors during a run):\n\n${anomalies.map((a) => `- ${a}`).join("\n")}\n` : ""}`;
writeSection("adapters", md);
