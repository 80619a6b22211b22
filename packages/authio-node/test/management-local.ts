/**
 * Starts the local Authio server (`@authio/local`, real HTTP and SQLite) for a Management suite, and
 * builds SDK clients pointed at it.
 *
 * On Node the server runs in-process (its programmatic API). On Bun and Deno, where its SQLite driver
 * (better-sqlite3, a Node addon) does not load, it runs as a Node child process through its CLI, and
 * the same helpers drive it over its `/v1/_local/*` admin routes — so the suites run unchanged there.
 */
import type { FaultRule, LocalAuthioOptions, RateLimitRule, Seed, SeedResult } from "@authio/local";
import { Authio, type AuthioOptions } from "../src/index.ts";

/** What the suites use of a local server, in-process or not. */
export interface LocalAuthio {
  readonly url: string;
  readonly secretKey: string;
  readonly webhookSecrets: readonly string[];
  seed(seed: Seed): Promise<SeedResult>;
  createSession(input: { userId: string; organizationId?: string | null }): Promise<{
    session: { id: string };
    accessToken: string;
    refreshToken: string;
  }>;
  readonly faults: {
    add(rule: FaultRule): Promise<unknown> | unknown;
    rateLimit(rule: RateLimitRule | null): Promise<unknown> | unknown;
    clear(): Promise<unknown> | unknown;
  };
  stop(): Promise<void>;
}

type Options = Pick<LocalAuthioOptions, "webhooks" | "webhookSecret">;

const g = globalThis as { Bun?: unknown; Deno?: unknown };
export const RUNTIME = g.Bun ? "bun" : g.Deno ? "deno" : "node";

export async function startLocal(options: Options = {}): Promise<LocalAuthio> {
  if (RUNTIME === "node") {
    const { startLocalAuthio } = await import("@authio/local");
    return startLocalAuthio({ port: 0, db: ":memory:", ...options });
  }
  return startLocalProcess(options);
}

/** The CLI in a Node child process; its first lines announce the URL and the secret key. */
async function startLocalProcess(options: Options): Promise<LocalAuthio> {
  const { spawn } = await import("node:child_process");
  const { fileURLToPath } = await import("node:url");
  const cli = fileURLToPath(new URL("../../authio-local/dist/cli.mjs", import.meta.url));
  const secrets = options.webhookSecret === undefined ? [] : [options.webhookSecret].flat();
  const args = [cli, "--port", "0", "--db", ":memory:", "--quiet"];
  for (const url of options.webhooks ?? []) args.push("--webhook-url", url);
  for (const secret of secrets) args.push("--webhook-secret", secret);
  const child = spawn("node", args, { stdio: ["ignore", "pipe", "inherit"] });
  const { url, secretKey } = await new Promise<{ url: string; secretKey: string }>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const url = /AUTHIO_API_URL=(\S+)/.exec(out)?.[1];
      const secretKey = /AUTHIO_SECRET_KEY=(\S+)/.exec(out)?.[1];
      if (url && secretKey) resolve({ url, secretKey });
    });
    child.on("exit", (code) => reject(new Error(`authio-local exited with ${code}: ${out}`)));
  });
  const admin = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${secretKey}`, "content-type": "application/json" },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    url,
    secretKey,
    webhookSecrets: secrets,
    seed: (seed) => admin("POST", "/v1/_local/seed", seed) as Promise<SeedResult>,
    createSession: ({ userId, organizationId }) =>
      admin("POST", "/v1/sessions", organizationId ? { userId, organizationId } : { userId }) as never,
    faults: {
      add: (rule) => admin("POST", "/v1/_local/faults", { faults: [rule] }),
      rateLimit: (rule) => admin("POST", "/v1/_local/faults", { rateLimit: rule }),
      clear: () => admin("DELETE", "/v1/_local/faults"),
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** A client of `local`; small backoffs so that retry paths stay fast in tests. */
export function clientFor(local: { url: string; secretKey: string }, options: AuthioOptions = {}): Authio {
  return new Authio({
    apiKey: local.secretKey,
    apiUrl: local.url,
    retryBaseDelay: 5,
    maxRetryDelay: 50,
    ...options,
  });
}

/** Runs `fn` and returns what it threw (failing the test when it did not throw). */
export async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to throw");
}

let unique = 0;
/** A slug / email fragment unique within the process run. */
export function uid(prefix = "t"): string {
  unique += 1;
  return `${prefix}${Date.now().toString(36)}${unique}`;
}

/**
 * Drives the local server's hosted sign-in page like a browser would (GET the page, POST the chosen
 * user with its hidden fields), and returns the `code` of the final redirect.
 */
export async function signInCode(baseUrl: string, userId: string): Promise<string> {
  const redirectUri = "http://localhost:3000/callback";
  const start = new URL(`${baseUrl}/v1/authorize`);
  start.searchParams.set("redirect_uri", redirectUri);
  start.searchParams.set("state", "st1");
  let response = await fetch(start, { redirect: "manual" });
  let cookies = (response.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0]).join("; ");
  while (
    response.status >= 300 &&
    response.status < 400 &&
    !response.headers.get("location")?.startsWith(redirectUri)
  ) {
    response = await fetch(new URL(response.headers.get("location") ?? "", baseUrl), {
      redirect: "manual",
      headers: { cookie: cookies },
    });
    cookies = [cookies, ...(response.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0])]
      .filter(Boolean)
      .join("; ");
  }
  for (let step = 0; step < 4; step++) {
    const location = response.headers.get("location");
    if (location?.startsWith(redirectUri)) {
      const code = new URL(location).searchParams.get("code");
      if (!code) throw new Error("redirect without a code");
      return code;
    }
    const html = await response.text();
    // The form holding the button for this user (or, next, for the first organization).
    const forms = [...html.matchAll(/<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)];
    const form =
      forms.find((f) => f[2]?.includes(`data-user-id="${userId}"`)) ??
      forms.find((f) => f[2]?.includes("data-organization-id")) ??
      forms.find((f) => f[2]?.includes('data-testid="signin-user"'));
    if (!form) throw new Error(`no sign-in form for ${userId} in:\n${html.slice(0, 500)}`);
    const fields = new URLSearchParams();
    for (const input of (form[2] ?? "").matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
      const name = /name="([^"]*)"/.exec(input[0])?.[1];
      const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? "";
      if (name)
        fields.set(
          name,
          value
            .replace(/&amp;/g, "&")
            .replace(/&quot;/g, '"')
            .replace(/&#39;/g, "'")
            .replace(/&lt;/g, "<")
            .replace(/&gt;/g, ">"),
        );
    }
    const button = /<button[^>]*name="([^"]*)"[^>]*value="([^"]*)"/.exec(form[2] ?? "");
    if (button?.[1]) fields.set(button[1], button[2] ?? "");
    response = await fetch(new URL((form[1] ?? "").replace(/&amp;/g, "&"), baseUrl), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies },
      body: fields,
    });
    cookies = [cookies, ...(response.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0])]
      .filter(Boolean)
      .join("; ");
  }
  throw new Error("the sign-in page never redirected back with a code");
}
