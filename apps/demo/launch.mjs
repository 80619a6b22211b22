// Starts the local Authio server with the demo seed and the four example apps, on 127.0.0.1.
// One module for `npm run demo` (scripts/demo.mjs) and the browser suite (apps/e2e): build, start,
// wait until each answers, mint a Bearer token, and stop everything (each app runs in its own
// process group, and the whole group is killed).
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, "../..");
export const SEED_FILE = join(here, "seed.json");
export const HOST = "127.0.0.1";
/** The local Authio server's port (its own default). */
export const AUTHIO_PORT = 8787;

/**
 * The examples, their fixed ports, and how each starts from its built output (what its `start`
 * script runs, without pnpm in between so that the process we track is the server itself).
 */
export const EXAMPLES = [
  {
    name: "next",
    port: 3000,
    dir: join(ROOT, "apps/next"),
    start: (port) => [
      createRequire(join(ROOT, "apps/next/package.json")).resolve("next/dist/bin/next"),
      "start",
      "--port",
      String(port),
      "--hostname",
      HOST,
    ],
  },
  { name: "express", port: 3001, dir: join(ROOT, "apps/express"), start: () => ["dist/server.mjs"] },
  { name: "fastify", port: 3002, dir: join(ROOT, "apps/fastify"), start: () => ["dist/server.mjs"] },
  { name: "hono", port: 3003, dir: join(ROOT, "apps/hono"), start: () => ["dist/server.mjs"] },
];

/** The seeded user and organization the ready-made Bearer token is minted for. */
export const TOKEN_USER = { userId: "user_ada", organizationId: "org_acme" };

export function readSeed() {
  return JSON.parse(readFileSync(SEED_FILE, "utf8"));
}

/** The examples that exist in this checkout (optionally only the named ones). */
export function availableExamples(only) {
  return EXAMPLES.filter((e) => (!only || only.includes(e.name)) && existsSync(join(e.dir, "package.json")));
}

/** Builds the local server and the given examples (and what they depend on) with turbo; cached builds are instant. */
export function build(examples, { log = console.log } = {}) {
  const filters = ["@authio/local", ...examples.map((e) => `@authio/example-${e.name}`)];
  log(`› building ${filters.join(", ")} with turbo (the first time takes a minute or two)`);
  const turbo = join(ROOT, "node_modules/.bin/turbo");
  const r = spawnSync(
    turbo,
    ["run", "build", "--output-logs=errors-only", ...filters.flatMap((f) => ["--filter", f])],
    { cwd: ROOT, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } },
  );
  if (r.status !== 0) throw new Error(`the build failed (turbo exited with ${r.status ?? r.signal})`);
}

/** Resolves `port` if it is free on 127.0.0.1, else a free port chosen by the system. */
export async function pickPort(port) {
  const tryListen = (p) =>
    new Promise((done) => {
      const server = createServer();
      server.once("error", () => done(null));
      server.listen(p, HOST, () => {
        const chosen = server.address().port;
        server.close(() => done(chosen));
      });
    });
  if (port) {
    const free = await tryListen(port);
    if (free) return { port: free, fallback: false };
  }
  return { port: await tryListen(0), fallback: Boolean(port) };
}

/** Starts the local Authio server in this process. `fresh` deletes the database first. */
export async function startAuthio({
  port = AUTHIO_PORT,
  db,
  fresh = true,
  secretKey,
  accessTokenTtlSeconds,
  log,
}) {
  const { startLocalAuthio } = await import("@authio/local");
  const chosen = await pickPort(port);
  if (chosen.fallback) log?.(`! port ${port} is busy: the local Authio server uses ${chosen.port} instead`);
  if (db !== ":memory:" && fresh) {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${db}${suffix}`, { force: true });
  }
  if (db !== ":memory:") mkdirSync(dirname(db), { recursive: true });
  return startLocalAuthio({
    port: chosen.port,
    host: HOST,
    db,
    seed: readSeed(),
    ...(secretKey ? { secretKey } : {}),
    ...(accessTokenTtlSeconds ? { accessTokenTtlSeconds } : {}),
  });
}

const running = new Set();
let exitHookInstalled = false;

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Kills every example this process started, at once (for a signal that arrives while they start). */
export function killAllNow() {
  for (const child of running) killGroup(child.pid, "SIGKILL");
  running.clear();
}

/** Last resort: if this process exits with example servers still up, kill their groups. */
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of running) killGroup(child.pid, "SIGKILL");
  });
}

async function waitUntilAnswers(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let lastError = "no answer";
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`exited (${child.exitCode ?? child.signalCode}) before answering`);
    }
    try {
      const res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(5000) });
      await res.body?.cancel();
      if (res.status < 500) return;
      lastError = `HTTP ${res.status}`;
    } catch (error) {
      lastError = error.cause?.code ?? error.message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`did not answer at ${url} within ${timeoutMs / 1000} s (${lastError})`);
}

/**
 * Starts one built example in its own process group, its output appended to `logFile`, and waits
 * until it answers HTTP. Resolves `{ name, url, port, pid, logFile, stop() }`.
 */
export async function startExample(example, { port, authio, logDir, timeoutMs = 120_000 }) {
  installExitHook();
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${example.name}.log`);
  const out = createWriteStream(logFile, { flags: "a" });
  const child = spawn(process.execPath, example.start(port), {
    cwd: example.dir,
    detached: true, // its own process group: stopping it kills everything it started
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      HOST,
      PORT: String(port),
      AUTHIO_API_URL: authio.url,
      AUTHIO_SECRET_KEY: authio.secretKey,
    },
  });
  child.stdout.pipe(out, { end: false });
  child.stderr.pipe(out, { end: false });
  running.add(child);
  const exited = new Promise((done) => child.once("exit", done));
  const url = `http://${HOST}:${port}`;

  const stop = async () => {
    if (!running.has(child)) return;
    running.delete(child);
    if (child.exitCode === null && child.signalCode === null) {
      killGroup(child.pid, "SIGTERM");
      const timer = setTimeout(() => killGroup(child.pid, "SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    // The group may outlive its leader (a worker it forked): make sure nothing is left.
    killGroup(child.pid, "SIGKILL");
    out.end();
  };

  try {
    await waitUntilAnswers(`${url}/`, child, timeoutMs);
  } catch (error) {
    await stop();
    const tail = existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n").slice(-30).join("\n") : "";
    throw new Error(`${example.name} ${error.message}\n--- ${logFile} (last lines)\n${tail}`);
  }
  return { name: example.name, url, port, pid: child.pid, logFile, stop };
}

/** Mints a session for a seeded user in an organization through the Management API (`POST /v1/sessions`). */
export async function mintAccessToken(authio, { userId, organizationId } = TOKEN_USER) {
  const res = await fetch(`${authio.url}/v1/sessions`, {
    method: "POST",
    headers: { authorization: `Bearer ${authio.secretKey}`, "content-type": "application/json" },
    body: JSON.stringify({ userId, organizationId }),
  });
  if (res.status !== 201) throw new Error(`POST /v1/sessions answered ${res.status}: ${await res.text()}`);
  return (await res.json()).accessToken;
}

/**
 * Starts everything: the local Authio server (in this process) and the examples (in parallel, each
 * on its fixed port or, when `fixedPorts` is false or the port is busy, a free one).
 * Resolves `{ authio, apps, stop() }`; `stop()` stops everything and is safe to call twice.
 */
export async function startAll({
  examples = availableExamples(),
  fixedPorts = true,
  db = join(ROOT, ".authio/demo.db"),
  fresh = true,
  secretKey,
  accessTokenTtlSeconds,
  logDir = join(ROOT, ".authio/logs"),
  log = console.log,
} = {}) {
  const authio = await startAuthio({
    port: fixedPorts ? AUTHIO_PORT : 0,
    db,
    fresh,
    secretKey,
    accessTokenTtlSeconds,
    log,
  });
  const apps = [];
  const stop = async () => {
    await Promise.allSettled(apps.map((a) => a.stop()));
    await authio.stop().catch(() => {});
  };
  try {
    const ports = [];
    for (const example of examples) {
      const chosen = await pickPort(fixedPorts ? example.port : 0);
      if (chosen.fallback) log(`! port ${example.port} is busy: ${example.name} uses ${chosen.port} instead`);
      ports.push(chosen.port);
    }
    const started = await Promise.allSettled(
      examples.map((example, i) => startExample(example, { port: ports[i], authio, logDir })),
    );
    for (const s of started) if (s.status === "fulfilled") apps.push(s.value);
    const failed = started.filter((s) => s.status === "rejected");
    if (failed.length > 0) throw new Error(failed.map((f) => f.reason.message).join("\n\n"));
  } catch (error) {
    await stop();
    throw error;
  }
  return { authio, apps, stop };
}
