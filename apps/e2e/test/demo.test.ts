// `npm run demo` as a user runs it (after the build): its check mode, and Ctrl-C leaving no process behind.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "@authio/demo/launch";
import { afterEach, describe, expect, it } from "vitest";

const started: ChildProcess[] = [];
const dirs: string[] = [];

function demo(args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "authio-demo-test-"));
  dirs.push(dir);
  const child = spawn(process.execPath, [join(ROOT, "scripts/demo.mjs"), "--no-build", ...args], {
    cwd: ROOT,
    detached: true, // its own group, so that a failed test can still kill it and all it started
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, AUTHIO_DEMO_DIR: dir, AUTHIO_DEMO_EXIT_AFTER_READY: "" },
  });
  started.push(child);
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return { child, exited, output: () => output };
}

/** Every process descending from `pid` (the examples run in their own process groups, not in its). */
function descendants(pid: number): number[] {
  const table = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of table) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

afterEach(() => {
  for (const child of started.splice(0)) {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("npm run demo", () => {
  it("--check starts the server and the four examples, checks them and the curl line, and stops", async () => {
    const run = demo(["--check"]);
    const code = await run.exited;
    const output = run.output();
    expect(output, output).toContain("Authio demo is running");
    expect(code, output).toBe(0);
    for (const name of ["express", "fastify", "hono", "next"])
      expect(output).toMatch(new RegExp(`✓ ${name} http`));
    expect(output).toContain("✓ the curl line");
    expect(output).toMatch(/curl -H "Authorization: Bearer ey[\w.-]+" http:\/\/127\.0\.0\.1:\d+\/api\/me/);
  });

  it("stops everything on Ctrl-C (SIGINT), leaving no process behind", async () => {
    const run = demo([]);
    await expect
      .poll(() => run.output(), { timeout: 120_000, interval: 250 })
      .toContain("Call an API route with a Bearer token");
    const urls = [...run.output().matchAll(/^ {4}\S+\s+(http:\/\/127\.0\.0\.1:\d+)$/gm)].map((m) => m[1]!);
    expect(urls).toHaveLength(4);
    for (const url of urls) expect((await fetch(`${url}/api/me`)).status).toBe(401);
    const children = descendants(run.child.pid!);
    expect(children.length).toBeGreaterThanOrEqual(4);

    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain("stopped: the local server and every example are down");
    expect(children.filter(alive)).toEqual([]);
    for (const url of urls) await expect(fetch(`${url}/`)).rejects.toThrow();
  });
});
