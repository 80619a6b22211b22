// The Next.js rows of the adapters benchmark: `next build` of ./next-app once, then one `next start`
// serving all four variants as four routes of the one app, as a real app serves its routes: Next's
// per-request work (~0.7 ms of CPU here) varies more from one server process to another than the
// guard costs, so separate processes would measure mostly that. `next start` serves from a single
// process, so the CPU probe loaded into it measures the whole server.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const app = fileURLToPath(new URL("next-app/", import.meta.url));
const nextBin = fileURLToPath(new URL("../node_modules/next/dist/bin/next", import.meta.url));
const probe = fileURLToPath(new URL("next-app/cpu-probe.mjs", import.meta.url));

function run(command, args, env, stdio) {
  return spawn(command[0], [...command.slice(1), ...args], {
    cwd: app,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio,
  });
}

/** `next build` of the benchmark app, from an empty `.next`; throws with Next's output on failure. */
export async function buildNextApp() {
  rmSync(`${app}.next`, { recursive: true, force: true });
  const child = run([process.execPath, nextBin], ["build"], {}, ["ignore", "pipe", "pipe"]);
  let output = "";
  child.stdout.on("data", (d) => {
    output += d;
  });
  child.stderr.on("data", (d) => {
    output += d;
  });
  const [code] = await once(child, "exit");
  if (code !== 0) throw new Error(`next build of the benchmark app failed (${code}):\n${output}`);
}

async function freePort() {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let running;

/**
 * The route of one guard ("none", "headers", "authio", "jose") on the one `next start` of the built
 * app (started on first use, its client pointed at `issuer`). `pin(core, cmd, args)` wraps the command
 * in `taskset` where available; `track(child)` registers the server for clean-up. Resolves to
 * `{ child, url }` once the route answers; `child` answers the "cpu" IPC message.
 */
export async function startNextServer(guard, issuer, pin, track = (child) => child) {
  running ??= startNext(issuer, pin, track).catch((error) => {
    running = undefined; // let a retry start afresh
    throw error;
  });
  const { child, port } = await running;
  const url = `http://127.0.0.1:${port}/${guard}/hello`;
  await (await fetch(url)).arrayBuffer();
  return { child, url };
}

async function startNext(issuer, pin, track) {
  const port = await freePort();
  const [cmd, args] = pin(0, process.execPath, [
    "--import",
    probe,
    nextBin,
    "start",
    "-H",
    "127.0.0.1",
    "-p",
    String(port),
  ]);
  const child = track(
    run([cmd], args, { AUTHIO_API_URL: issuer, AUTHIO_SECRET_KEY: "sk_test_bench" }, [
      "ignore",
      "ignore",
      "inherit",
      "ipc",
    ]),
  );
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`next start exited ${child.exitCode}`);
    try {
      await (await fetch(`http://127.0.0.1:${port}/none/hello`)).arrayBuffer();
      return { child, port };
    } catch {
      // Not listening yet.
    }
    if (attempt > 300) {
      child.kill("SIGKILL");
      throw new Error("next start did not answer");
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
