import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const packageDir = fileURLToPath(new URL("..", import.meta.url));
export const cliPath = fileURLToPath(new URL("../dist/cli.mjs", import.meta.url));

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The CLI tests run the built CLI: build it when there is none yet or the sources changed since. */
export function ensureBuilt(): void {
  const sources = Math.max(
    newestSourceMtime(join(packageDir, "src")),
    statSync(join(packageDir, "openapi.json")).mtimeMs,
  );
  if (existsSync(cliPath) && statSync(cliPath).mtimeMs >= sources) return;
  const r = spawnSync("pnpm", ["build"], { cwd: packageDir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}${r.stderr}`);
}

export interface CliServer {
  child: ChildProcess;
  url: string;
  secretKey: string;
  output: () => string;
}

/** Starts `authio-local start …` and waits (bounded) for the line that announces the URL and key. */
export function startCli(args: string[], timeoutMs = 15_000): Promise<CliServer> {
  const child = spawn(process.execPath, [cliPath, "start", "--port", "0", ...args], {
    cwd: packageDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`CLI did not start in time:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /AUTHIO_API_URL=(\S+)/.exec(output)?.[1];
      const secretKey = /AUTHIO_SECRET_KEY=(\S+)/.exec(output)?.[1];
      if (url && secretKey) {
        clearTimeout(timer);
        resolve({ child, url, secretKey, output: () => output });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`CLI exited with ${code}:\n${output}`));
    });
  });
}

export function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}
