import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import openapi from "../openapi.json" with { type: "json" };
import { Auth, type SessionWithTokens } from "./auth.js";
import { Clock } from "./clock.js";
import { type Db, getMeta, openDatabase, setMeta } from "./db/database.js";
import { Store } from "./db/store.js";
import { WriteBatcher } from "./db/write-batcher.js";
import { ApiError } from "./errors.js";
import {
  codeForStatus,
  type FaultAction,
  type FaultRule,
  Faults,
  type RateLimitRule,
  validateFaultRule,
} from "./faults.js";
import { errorBody, type HandlerResult, parseJson, readBody, send } from "./http.js";
import { bodyHash, IdempotencyKeys, readIdempotencyKey } from "./idempotency.js";
import { randomBase32 } from "./ids.js";
import { KeyRing, type PublicJwk, type RotateOptions, type SigningAlgorithm } from "./keys.js";
import { adminRoutes } from "./routes/admin.js";
import { managementRoutes } from "./routes/management.js";
import { Router } from "./routes/router.js";
import { bearerToken, newSecretKey, SECRET_KEY_PATTERN, secretKeyMatches } from "./secret-key.js";
import { applySeed, loadSeedFile, type Seed, type SeedResult } from "./seed.js";
import { handleSignIn, SIGN_IN_PATH } from "./signin-page.js";
import { type AccessTokenClaims, signJwt } from "./tokens.js";
import { type WebhookRetryOptions, WebhookWorker } from "./webhooks.js";

/** Permissions of the built-in `admin` role (API.md §7: non-empty). `member` has none. */
export const ADMIN_PERMISSIONS: readonly string[] = [
  "organization:read",
  "organization:update",
  "organization:delete",
  "members:read",
  "members:invite",
  "members:update",
  "members:remove",
  "billing:read",
  "billing:manage",
];

export interface LocalAuthioOptions {
  /** TCP port; `0` picks a free one. Default 8787. */
  port?: number | undefined;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string | undefined;
  /** The announced base URL and token issuer. Default `http://<host>:<port>`. */
  baseUrl?: string | undefined;
  /** SQLite file, or `":memory:"`. Default `.authio/local.db` under the current directory. */
  db?: string | undefined;
  /** The secret key to accept (e.g. a fixed `sk_test_…` for a demo). Default: generated once and kept in the database. */
  secretKey?: string | undefined;
  /** Users, organizations and memberships to create at start (a Seed object or a path to a JSON file). */
  seed?: Seed | string | undefined;
  /** Signing algorithm of the first key and of rotations. Default `ES256`. */
  algorithm?: SigningAlgorithm | undefined;
  /** Access-token lifetime. Default 300 s. */
  accessTokenTtlSeconds?: number | undefined;
  /** Session (and refresh-token) lifetime. Default 30 days. */
  sessionTtlSeconds?: number | undefined;
  /** Shifts the server's clock (tokens, timestamps, expiries). Default 0. */
  clockOffsetSeconds?: number | undefined;
  /** Key rotation delays (API.md §3). Defaults: publish 3600 s before signing, retain 3600 s after. */
  keyRotation?: { publishDelaySeconds?: number | undefined; retainSeconds?: number | undefined } | undefined;
  /** Webhook endpoint URLs; every event is POSTed to each. */
  webhooks?: string[] | undefined;
  /** Endpoint secret(s); several while rotating (one `v1=` per secret). Default: generated and kept. */
  webhookSecret?: string | string[] | undefined;
  webhookRetry?: WebhookRetryOptions | undefined;
  /** Faults active from the start. */
  faults?: FaultRule[] | undefined;
  rateLimit?: RateLimitRule | undefined;
  /** Extra roles (name → permissions); `admin` and `member` always exist. */
  roles?: Record<string, string[]> | undefined;
  /** One line per request and event; never tokens or keys. `false` (the default for the API) is silent. */
  logger?: ((line: string) => void) | false | undefined;
}

export interface LocalAuthio {
  /** The base URL, e.g. `http://127.0.0.1:54321` (no trailing slash): pass it as the SDK's `apiUrl`. */
  readonly url: string;
  /** The `iss` of every token (equal to `url`). */
  readonly issuer: string;
  readonly port: number;
  readonly secretKey: string;
  readonly webhookSecrets: readonly string[];
  /** The SQLite file in use (or `:memory:`). */
  readonly dbPath: string;
  /** Mints a session and its tokens for a user (optionally pivoted into an organization), without a browser. */
  createSession(input: {
    userId: string;
    organizationId?: string | null | undefined;
    /** A staff member impersonating the user: the tokens carry `act: { sub: impersonatorId }` (API.md §2). */
    impersonatorId?: string | null | undefined;
  }): Promise<SessionWithTokens>;
  /** Applies a seed (idempotent); returns the ids by email and by slug. */
  seed(seed: Seed): Promise<SeedResult>;
  /** Signs arbitrary claims with the current signing key (for testing verifiers). */
  signToken(claims: AccessTokenClaims | Record<string, unknown>, header?: Record<string, unknown>): string;
  /** The published keys, as `GET /v1/jwks` returns them. */
  jwks(): { keys: PublicJwk[] };
  rotateKeys(options?: RotateOptions): { kid: string; activatesAt: string };
  readonly faults: {
    add(rule: FaultRule): number;
    rateLimit(rule: RateLimitRule | null): void;
    clear(): void;
  };
  setAccessTokenTtl(seconds: number): void;
  setClockOffset(seconds: number): void;
  /** Closes every socket, stops the webhook worker and closes the database. */
  stop(): Promise<void>;
}

const SECRET_KEY_META = "secret_key";

function announcedHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

const BODY_METHODS = new Set(["POST", "PATCH", "PUT", "DELETE"]);
export async function startLocalAuthio(options: LocalAuthioOptions = {}): Promise<LocalAuthio> {
  const dbPath = options.db === ":memory:" ? ":memory:" : resolve(options.db ?? ".authio/local.db");
  const db: Db = openDatabase(dbPath);
  const log = options.logger || (() => {});
  const clock = new Clock((options.clockOffsetSeconds ?? 0) * 1000);
  try {
    return await start(db, dbPath, clock, log, options);
  } catch (error) {
    db.close();
    throw error;
  }
}

async function start(
  db: Db,
  dbPath: string,
  clock: Clock,
  log: (line: string) => void,
  options: LocalAuthioOptions,
): Promise<LocalAuthio> {
  const settings = {
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 300,
    issuer: "",
  };

  let secretKey = options.secretKey ?? getMeta(db, SECRET_KEY_META);
  if (!secretKey) secretKey = newSecretKey();
  if (!SECRET_KEY_PATTERN.test(secretKey)) {
    throw new Error("secretKey must look like sk_test_… (letters, digits and _; 8 to 200 after the prefix).");
  }
  setMeta(db, SECRET_KEY_META, secretKey);

  let webhookSecrets: string[];
  if (options.webhookSecret !== undefined) {
    webhookSecrets = Array.isArray(options.webhookSecret)
      ? [...options.webhookSecret]
      : [options.webhookSecret];
  } else {
    const stored = getMeta(db, "webhook_secret") ?? `whsec_${randomBase32(32)}`;
    setMeta(db, "webhook_secret", stored);
    webhookSecrets = [stored];
  }
  const webhookUrls = [...(options.webhooks ?? [])];

  const roles: Record<string, string[]> = {
    ...options.roles,
    admin: [...ADMIN_PERMISSIONS],
    member: [],
  };

  const keys = new KeyRing(db, clock, {
    algorithm: options.algorithm ?? "ES256",
    publishDelaySeconds: options.keyRotation?.publishDelaySeconds ?? 3600,
    // A replaced key stays published at least as long as the tokens it signed live (API.md §3).
    retainSeconds: options.keyRotation?.retainSeconds ?? Math.max(3600, settings.accessTokenTtlSeconds),
  });
  keys.ensureSigningKey();

  let worker: WebhookWorker | null = null;
  const store = new Store(db, clock, {
    roles,
    webhookUrls: () => webhookUrls,
    sessionTtlSeconds: options.sessionTtlSeconds ?? 30 * 24 * 3600,
    onEvent: () => worker?.kick(),
  });
  const auth = new Auth(store, keys, clock, settings);
  const faults = new Faults(() => Date.now());
  (options.faults ?? []).forEach((rule, i) => {
    faults.add(validateFaultRule(rule, i));
  });
  if (options.rateLimit) faults.setRateLimit(options.rateLimit);

  if (options.seed !== undefined) {
    applySeed(store, typeof options.seed === "string" ? loadSeedFile(options.seed) : options.seed);
  }

  worker = new WebhookWorker(db, clock, () => webhookSecrets, options.webhookRetry, log);
  worker.recover();

  const router = new Router().add(managementRoutes).add(
    adminRoutes({
      faults,
      getConfig: () => ({
        accessTokenTtlSeconds: settings.accessTokenTtlSeconds,
        clockOffsetSeconds: Math.round(clock.offsetMs / 1000),
      }),
      setConfig: (patch) => {
        if (patch.accessTokenTtlSeconds !== undefined)
          settings.accessTokenTtlSeconds = patch.accessTokenTtlSeconds;
        if (patch.clockOffsetSeconds !== undefined) clock.offsetMs = patch.clockOffsetSeconds * 1000;
      },
      rotateKeys: (o) => keys.rotate(o),
      webhookDeliveries: () => worker?.deliveries() ?? [],
      reset: () => {
        db.transaction(() => {
          for (const table of [
            "webhook_deliveries",
            "webhook_events",
            "refresh_tokens",
            "sign_in_codes",
            "idempotency_keys",
            "sessions",
            "memberships",
            "users",
            "organizations",
          ]) {
            db.prepare(`DELETE FROM ${table}`).run();
          }
        })();
      },
    }),
  );

  const writes = new WriteBatcher(db);
  const stalls = new Set<NodeJS.Timeout>();
  const openapiText = JSON.stringify(openapi);

  function applyFault(
    fault: FaultAction,
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
  ): void {
    if (fault.kind === "drop") {
      req.socket.destroy();
      return;
    }
    if (fault.kind === "stall") {
      // Hold the request: no answer. It ends when `ms` passes (connection dropped) or the server stops.
      if (fault.ms !== undefined) {
        const timer = setTimeout(() => {
          stalls.delete(timer);
          req.socket.destroy();
        }, fault.ms);
        stalls.add(timer);
      }
      return;
    }
    const headers: Record<string, string> = {};
    if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
    const error = new ApiError(
      fault.status,
      codeForStatus(fault.status),
      fault.status === 429 ? "Too many requests." : `Injected fault: HTTP ${fault.status}.`,
    );
    send(res, { status: fault.status, body: errorBody(error, requestId), headers });
  }

  const idempotency = new IdempotencyKeys(db, clock);

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
  ): Promise<HandlerResult | null> {
    const method = req.method ?? "GET";
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://local");
    } catch {
      throw new ApiError(400, "invalid_request", "Malformed request URL.");
    }
    const path = url.pathname;

    // Public: the contract document and the browser-facing sign-in page.
    if (path === "/openapi.json" && (method === "GET" || method === "HEAD")) {
      return { status: 200, body: openapiText, headers: { "content-type": "application/json" } };
    }
    if (path === SIGN_IN_PATH || path.startsWith(`${SIGN_IN_PATH}/`)) {
      const body = BODY_METHODS.has(method) ? await readBody(req) : Buffer.alloc(0);
      return handleSignIn({ method, url, body, req, store, auth, clock, secretKey: secretKey! });
    }

    // The secret key is checked before routing: without it, even an unknown path is a 401.
    const key = bearerToken(req);
    if (!key || !secretKeyMatches(key, secretKey!)) {
      throw new ApiError(
        401,
        "invalid_api_key",
        "Missing or invalid secret key (Authorization: Bearer sk_…).",
      );
    }

    const isAdmin = path.startsWith("/v1/_local/");
    if (!isAdmin) {
      const fault = faults.take(method, path, "before");
      if (fault) {
        applyFault(fault, req, res, requestId);
        return null;
      }
    }

    const raw = BODY_METHODS.has(method) ? await readBody(req) : Buffer.alloc(0);
    const match = router.match(method, path);
    if (!match) throw new ApiError(404, "not_found", `No route for ${method} ${path}.`);

    // Idempotency-Key validation comes before the body's: a bad key is a bad request whatever the body.
    const idempotencyKey = readIdempotencyKey(req);
    const body = parseJsonOrError(raw);
    const ctx = {
      params: match.params,
      query: url.searchParams,
      body: body.ok ? body.value : undefined,
      store,
      auth,
      keys,
    };
    const run = (): HandlerResult => {
      if (!body.ok) throw body.error;
      return match.route.handler(ctx);
    };

    // Reads run at once; writes join the next group commit and are answered once it is durable.
    if (method === "GET") return run();
    if (!idempotencyKey) return writes.submit(run);
    const fingerprint = { method, target: `${path}${url.search}`, bodyHash: bodyHash(raw, body) };
    return writes.submit(() => idempotency.run(idempotencyKey, fingerprint, requestId, run));
  }

  const server: Server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    const requestId = `req_${randomBase32(20)}`;
    res.setHeader("x-request-id", requestId);
    const method = req.method ?? "GET";
    const pathOnly = (req.url ?? "/").split("?")[0];
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // The path only: query strings can carry sign-in state; ids are not secrets.
      log(`${method} ${pathOnly} ${res.statusCode} ${ms.toFixed(1)}ms ${requestId}`);
    });
    handle(req, res, requestId)
      .then((result) => {
        if (!result) return;
        const isAdmin = pathOnly?.startsWith("/v1/_local/") ?? false;
        const fault =
          !isAdmin && pathOnly !== "/openapi.json" && !pathOnly?.startsWith(SIGN_IN_PATH)
            ? faults.take(method, pathOnly ?? "/", "after")
            : null;
        if (fault) {
          applyFault(fault, req, res, requestId);
          return;
        }
        send(res, result);
      })
      .catch((error: unknown) => {
        let apiError: ApiError;
        if (error instanceof ApiError) apiError = error;
        else {
          log(`internal error ${requestId}: ${(error as Error)?.stack ?? String(error)}`);
          apiError = new ApiError(500, "internal_error", "Something went wrong on the local server.");
        }
        const headers = { ...apiError.headers };
        if (apiError.status === 413) {
          // Stop reading a body we refused; the client may still be sending it.
          headers.connection = "close";
          req.resume();
        }
        send(res, { status: apiError.status, body: errorBody(apiError, requestId), headers });
      });
  });
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8787, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolvePromise();
    });
  });
  const address = server.address() as AddressInfo;
  const url = (
    options.baseUrl ?? `http://${announcedHost(options.host ?? "127.0.0.1")}:${address.port}`
  ).replace(/\/+$/, "");
  settings.issuer = url;
  worker.start();

  // Housekeeping: forget idempotency keys past 24 h and sign-in codes past their minute, hourly.
  const purge = () => {
    const now = clock.nowMs();
    idempotency.purgeExpired();
    db.prepare("DELETE FROM sign_in_codes WHERE expires_at <= ?").run(now - 3600_000);
  };
  purge();
  const purgeTimer = setInterval(purge, 3600_000);
  purgeTimer.unref();

  let stopping: Promise<void> | null = null;
  const local: LocalAuthio = {
    url,
    issuer: url,
    port: address.port,
    secretKey,
    webhookSecrets,
    dbPath,
    createSession: async ({ userId, organizationId, impersonatorId }) =>
      auth.createSession(userId, organizationId ?? null, impersonatorId ?? null),
    seed: async (seed) => applySeed(store, seed),
    signToken: (claims, header) => signJwt(keys, claims as AccessTokenClaims, header ?? {}),
    jwks: () => ({ keys: keys.publicKeys() }),
    rotateKeys: (o) => keys.rotate(o),
    faults: {
      add: (rule) => faults.add(validateFaultRule(rule, 0)),
      rateLimit: (rule) => faults.setRateLimit(rule),
      clear: () => faults.clear(),
    },
    setAccessTokenTtl: (seconds) => {
      settings.accessTokenTtlSeconds = seconds;
    },
    setClockOffset: (seconds) => {
      clock.offsetMs = seconds * 1000;
    },
    stop: () => {
      stopping ??= (async () => {
        clearInterval(purgeTimer);
        for (const t of stalls) clearTimeout(t);
        stalls.clear();
        await worker?.stop();
        await new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        });
        db.close();
      })();
      return stopping;
    },
  };
  return local;
}

function parseJsonOrError(raw: Buffer): { ok: true; value: unknown } | { ok: false; error: ApiError } {
  try {
    return { ok: true, value: parseJson(raw) };
  } catch (error) {
    return { ok: false, error: error as ApiError };
  }
}
