import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { cpSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

/**
 * The fixture apps: Next 16 (`proxy.ts`, Node runtime) in ../fixture, and a Next 15 twin
 * (`middleware.ts`, Edge runtime) in ../fixture-next15 that runs the same `app/` and `lib/`, copied over
 * before each build, against the `next15` devDependency.
 */
export type NextVersion = "next16" | "next15";

const FIXTURE_DIRS: Record<NextVersion, URL> = {
  next16: new URL("../fixture/", import.meta.url),
  next15: new URL("../fixture-next15/", import.meta.url),
};
const NEXT_PACKAGES: Record<NextVersion, URL> = {
  next16: new URL("../../node_modules/next/", import.meta.url),
  next15: new URL("../../node_modules/next15/", import.meta.url),
};

/** Copies the shared app into the Next 15 fixture and makes `next` resolve to Next 15 there. */
function prepareNext15(): void {
  const dir = FIXTURE_DIRS.next15;
  for (const part of ["app", "lib", "next.config.mjs"]) {
    rmSync(new URL(part, dir), { recursive: true, force: true });
    cpSync(new URL(part, FIXTURE_DIRS.next16), new URL(part, dir), { recursive: true });
  }
  const modules = new URL("node_modules/", dir);
  rmSync(modules, { recursive: true, force: true });
  mkdirSync(modules);
  symlinkSync(fileURLToPath(NEXT_PACKAGES.next15), fileURLToPath(new URL("next", modules)), "dir");
}

export interface RunningApp {
  readonly url: string;
  readonly pid: number;
  /** Everything the server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function run(
  version: NextVersion,
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; output: () => string } {
  let text = "";
  const bin = fileURLToPath(new URL("dist/bin/next", NEXT_PACKAGES[version]));
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: fileURLToPath(FIXTURE_DIRS[version]),
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    // Its own process group, so stop() ends the server and anything it spawned, by PID.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => {
    text += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    text += chunk;
  });
  return { child, output: () => text };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * `next build` of the fixture. The workspace packages it imports resolve to their built `dist`; when
 * another build of the shared checkout is rewriting one of them at that moment, the build cannot
 * resolve it: only that failure is retried, after a pause. Every attempt starts from an empty `.next`:
 * Turbopack's persistent cache would otherwise remember the failed resolution.
 */
export async function buildFixture(version: NextVersion, attempts = 5): Promise<void> {
  if (version === "next15") prepareNext15();
  for (let attempt = 1; ; attempt++) {
    rmSync(new URL(".next", FIXTURE_DIRS[version]), { recursive: true, force: true });
    const { child, output } = run(version, ["build"], { NODE_ENV: "production" });
    const [code] = (await once(child, "exit")) as [number | null];
    if (code === 0) return;
    const transient = /Can't resolve '@authio\/|Cannot find module '@authio\//.test(output());
    if (!transient || attempt >= attempts) throw new Error(`next build failed (${code}):\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 15_000));
  }
}

export async function startFixture(
  env: Readonly<Record<string, string>>,
  version: NextVersion = "next16",
): Promise<RunningApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { child, output } = run(version, ["start", "-H", "127.0.0.1", "-p", String(port)], {
    NODE_ENV: "production",
    ...env,
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  process.once("exit", () => killGroup(child, "SIGKILL"));
  try {
    for (let attempt = 0; ; attempt++) {
      if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output()}`);
      try {
        const response = await fetch(`${url}/`);
        if (response.status === 200) break;
      } catch {
        // Not listening yet.
      }
      if (attempt > 600) throw new Error(`next start did not answer:\n${output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  if (child.pid === undefined) throw new Error("next start has no pid");
  return { url, pid: child.pid, output, stop };
}
