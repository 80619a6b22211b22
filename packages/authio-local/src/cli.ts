#!/usr/bin/env node
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { Clock } from "./clock.js";
import { openDatabase } from "./db/database.js";
import type { FaultRule } from "./faults.js";
import { KeyRing, type SigningAlgorithm } from "./keys.js";
import { type LocalAuthioOptions, startLocalAuthio } from "./server.js";

const HELP = `authio-local: a local Authio server that speaks the whole platform contract

Usage:
  authio-local start [options]        start the server (the default command)
  authio-local rotate-keys [options]  publish a new signing key in a database (a running server picks it up)

start options:
  --port <n>                  port (default 8787; 0 picks a free one)
  --host <addr>               interface (default 127.0.0.1)
  --base-url <url>            announced URL and token issuer (default http://<host>:<port>)
  --db <path>                 SQLite file or :memory: (default .authio/local.db)
  --seed <file.json>          users, organizations and memberships to create (idempotent)
  --secret-key <sk_test_…>    the secret key to accept (default: generated once, kept in the database)
  --algorithm <ES256|RS256>   signing algorithm (default ES256)
  --token-ttl <seconds>       access-token lifetime (default 300)
  --session-ttl <seconds>     session and refresh-token lifetime (default 2592000)
  --clock-offset <seconds>    shift the server's clock
  --webhook-url <url>         deliver events to this URL (repeatable)
  --webhook-secret <secret>   endpoint secret (repeatable while rotating; default generated and kept)
  --fail <status>:<count>     answer the next <count> API requests with <status> (e.g. 503:3)
  --drop <count>              drop the next <count> connections
  --stall <count>[:<ms>]      stall the next <count> requests
  --rate-limit <n>/<seconds>  at most n requests per window, then 429 with Retry-After
  --quiet                     no request log

rotate-keys options:
  --db <path>                 the database (default .authio/local.db)
  --algorithm <ES256|RS256>   algorithm of the new key (default: the current key's)
  --publish-delay <seconds>   how long the key is published before it signs (default 3600)
  --retain <seconds>          how long the old key stays published after (default 3600)
`;

function int(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new Error(`--${name} must be an integer (got ${JSON.stringify(value)}).`);
  return Number(value);
}

function algorithm(value: string | undefined): SigningAlgorithm | undefined {
  if (value === undefined) return undefined;
  if (value !== "ES256" && value !== "RS256") throw new Error("--algorithm must be ES256 or RS256.");
  return value;
}

async function startCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "base-url": { type: "string" },
      db: { type: "string" },
      seed: { type: "string" },
      "secret-key": { type: "string" },
      algorithm: { type: "string" },
      "token-ttl": { type: "string" },
      "session-ttl": { type: "string" },
      "clock-offset": { type: "string" },
      "webhook-url": { type: "string", multiple: true },
      "webhook-secret": { type: "string", multiple: true },
      fail: { type: "string", multiple: true },
      drop: { type: "string" },
      stall: { type: "string" },
      "rate-limit": { type: "string" },
      quiet: { type: "boolean" },
    },
    strict: true,
  });
  const faults: FaultRule[] = [];
  for (const spec of values.fail ?? []) {
    const m = /^(\d{3}):(\d+)$/.exec(spec);
    if (!m) throw new Error(`--fail expects <status>:<count>, e.g. 503:3 (got ${JSON.stringify(spec)}).`);
    faults.push({ kind: "status", status: Number(m[1]), count: Number(m[2]) });
  }
  if (values.drop) faults.push({ kind: "drop", count: int("drop", values.drop)! });
  if (values.stall) {
    const [count, ms] = values.stall.split(":");
    faults.push({ kind: "stall", count: int("stall", count)!, ...(ms ? { ms: int("stall", ms)! } : {}) });
  }
  const options: LocalAuthioOptions = {
    logger: values.quiet ? false : (line) => console.log(`[authio-local] ${line}`),
    faults,
  };
  const port = int("port", values.port);
  if (port !== undefined) options.port = port;
  if (values.host) options.host = values.host;
  if (values["base-url"]) options.baseUrl = values["base-url"];
  if (values.db) options.db = values.db;
  if (values.seed) options.seed = resolve(values.seed);
  if (values["secret-key"]) options.secretKey = values["secret-key"];
  const alg = algorithm(values.algorithm);
  if (alg) options.algorithm = alg;
  const ttl = int("token-ttl", values["token-ttl"]);
  if (ttl !== undefined) options.accessTokenTtlSeconds = ttl;
  const sessionTtl = int("session-ttl", values["session-ttl"]);
  if (sessionTtl !== undefined) options.sessionTtlSeconds = sessionTtl;
  const offset = int("clock-offset", values["clock-offset"]);
  if (offset !== undefined) options.clockOffsetSeconds = offset;
  if (values["webhook-url"]) options.webhooks = values["webhook-url"];
  if (values["webhook-secret"]) options.webhookSecret = values["webhook-secret"];
  if (values["rate-limit"]) {
    const m = /^(\d+)\/(\d+)$/.exec(values["rate-limit"]);
    if (!m) throw new Error("--rate-limit expects <n>/<seconds>, e.g. 100/60.");
    options.rateLimit = { limit: Number(m[1]), windowSeconds: Number(m[2]) };
  }

  const local = await startLocalAuthio(options);
  // The secret key is printed once, on purpose: it is a local test key the developer needs to copy.
  console.log(`Authio local server listening on ${local.url}
  AUTHIO_API_URL=${local.url}
  AUTHIO_SECRET_KEY=${local.secretKey}
  database: ${local.dbPath}
  sign-in page: ${local.url}/v1/authorize?redirect_uri=http://localhost:3000/callback
  OpenAPI: ${local.url}/openapi.json${
    options.webhooks?.length
      ? `\n  webhooks: ${options.webhooks.join(", ")}\n  AUTHIO_WEBHOOK_SECRET=${local.webhookSecrets.join(",")}`
      : ""
  }`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[authio-local] ${signal}: stopping`);
    local.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

function rotateCommand(args: string[]): void {
  const { values } = parseArgs({
    args,
    options: {
      db: { type: "string" },
      algorithm: { type: "string" },
      "publish-delay": { type: "string" },
      retain: { type: "string" },
    },
    strict: true,
  });
  const db = openDatabase(resolve(values.db ?? ".authio/local.db"));
  try {
    const keys = new KeyRing(db, new Clock(), {
      algorithm: algorithm(values.algorithm) ?? "ES256",
      publishDelaySeconds: 3600,
      retainSeconds: 3600,
    });
    const alg = algorithm(values.algorithm);
    const delay = int("publish-delay", values["publish-delay"]);
    const retain = int("retain", values.retain);
    const result = keys.rotate({
      ...(alg ? { algorithm: alg } : {}),
      ...(delay !== undefined ? { publishDelaySeconds: delay } : {}),
      ...(retain !== undefined ? { retainSeconds: retain } : {}),
    });
    console.log(`Published ${result.kid}; it signs from ${result.activatesAt}.`);
  } finally {
    db.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === "--help" || command === "-h" || command === "help") {
    console.log(HELP);
    return;
  }
  if (command === "rotate-keys") return rotateCommand(rest);
  if (command === "start") return startCommand(rest);
  if (command === undefined || command.startsWith("--")) return startCommand(argv);
  throw new Error(`Unknown command ${JSON.stringify(command)}. Run authio-local --help.`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === "EADDRINUSE") {
    console.error(
      `authio-local: the port is already in use (${e.message}). Pick another with --port, or --port 0 for a free one.`,
    );
    process.exit(1);
  }
  console.error(`authio-local: ${e?.message ?? String(error)}`);
  process.exit(1);
});
