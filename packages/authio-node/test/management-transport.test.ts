/**
 * The transport against a real HTTP server whose answers each test scripts: headers on the wire,
 * retries, Retry-After, idempotency keys, timeouts, aborts, error mapping and response validation.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Authio, AuthioError, SDK_VERSION } from "../src/index.ts";
import {
  apiError,
  json,
  organization,
  type ScriptedServer,
  startScriptedServer,
} from "./management-http-helpers.ts";

const SECRET = "sk_test_transportSecret0123456789";
let server: ScriptedServer;

beforeAll(async () => {
  server = await startScriptedServer((_req, res) => json(res, 200, organization()));
});
afterAll(() => server.close());

function client(extra: Record<string, unknown> = {}): Authio {
  return new Authio({
    apiKey: SECRET,
    apiUrl: `${server.url}/`,
    retryBaseDelay: 1,
    maxRetryDelay: 50,
    ...extra,
  });
}

function reset(script: Parameters<typeof startScriptedServer>[0]): void {
  server.seen.length = 0;
  server.script = script;
}

async function caught(promise: Promise<unknown>): Promise<AuthioError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(AuthioError);
    return err as AuthioError;
  }
  throw new Error("expected the call to fail");
}

describe("management transport", () => {
  test("sends the secret key, JSON, a versioned User-Agent and keeps X-Request-Id", async () => {
    let requestId = "";
    reset((_req, res) => {
      requestId = json(res, 201, organization());
    });
    const org = await client({ userAgent: "my-app/1.2" }).organizations.create({
      name: "Acme",
      slug: "acme",
    });
    const [req] = server.seen;
    expect(req?.method).toBe("POST");
    expect(req?.url).toBe("/v1/organizations");
    expect(req?.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(req?.headers["user-agent"]).toBe(`authio-node/${SDK_VERSION} my-app/1.2`);
    expect(JSON.parse(req?.body ?? "")).toEqual({ name: "Acme", slug: "acme" });
    expect(org.id).toBe("org_1");
    expect(org.lastResponse.requestId).toBe(requestId);
    expect(org.lastResponse.status).toBe(201);
    // Kept out of the data: not enumerable, not serialised.
    expect(Object.keys(org)).not.toContain("lastResponse");
    expect(JSON.stringify(org)).not.toContain(requestId);
  });

  test("every POST carries a generated Idempotency-Key, the same on each retry, a new one per call", async () => {
    reset((_req, res, i) => {
      if (i < 2) apiError(res, 503, "service_unavailable");
      else json(res, 201, organization());
    });
    const authio = client();
    await authio.organizations.create({ name: "Acme", slug: "acme" });
    await authio.organizations.create({ name: "Acme", slug: "acme" });
    const keys = server.seen.map((r) => r.headers["idempotency-key"]);
    expect(keys).toHaveLength(4);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).toBe(keys[0]);
    expect(keys[3]).not.toBe(keys[0]);
    // GETs carry none.
    reset((_req, res) => json(res, 200, organization()));
    await authio.organizations.get("org_1");
    expect(server.seen[0]?.headers["idempotency-key"]).toBeUndefined();
  });

  test("a caller's idempotencyKey is sent as given; a malformed one is refused before sending", async () => {
    reset((_req, res) => json(res, 201, organization()));
    await client().organizations.create({ name: "A", slug: "ab" }, { idempotencyKey: "create-acme-1" });
    expect(server.seen[0]?.headers["idempotency-key"]).toBe("create-acme-1");
    const err = await caught(
      client().organizations.create({ name: "A", slug: "ab" }, { idempotencyKey: "x".repeat(256) }),
    );
    expect(err.code).toBe("invalid_request");
    expect(err.status).toBeNull();
    expect(server.seen).toHaveLength(1);
  });

  test("retries 429, 500, 502, 503, 504 up to maxRetries (default 2), then throws the last answer", async () => {
    for (const [status, code] of [
      [429, "rate_limited"],
      [500, "internal_error"],
      [502, "service_unavailable"],
      [503, "service_unavailable"],
      [504, "service_unavailable"],
    ] as const) {
      let lastId = "";
      reset((_req, res) => {
        lastId = apiError(res, status, code);
      });
      const err = await caught(client().organizations.get("org_1"));
      expect(server.seen).toHaveLength(3);
      expect(err.code).toBe(code);
      expect(err.status).toBe(status);
      expect(err.requestId).toBe(lastId);
      expect(err.retryable).toBe(true);
    }
  });

  test("never retries other statuses", async () => {
    for (const [status, code] of [
      [400, "invalid_request"],
      [401, "invalid_api_key"],
      [404, "not_found"],
      [409, "slug_in_use"],
    ] as const) {
      reset((_req, res) => apiError(res, status, code));
      const err = await caught(client().organizations.get("org_1"));
      expect(server.seen).toHaveLength(1);
      expect([err.code, err.status, err.retryable]).toEqual([code, status, false]);
    }
  });

  test("maxRetries per client and per call", async () => {
    reset((_req, res) => apiError(res, 500, "internal_error"));
    await caught(client({ maxRetries: 0 }).organizations.get("org_1"));
    expect(server.seen).toHaveLength(1);
    reset((_req, res) => apiError(res, 500, "internal_error"));
    await caught(client({ maxRetries: 0 }).organizations.get("org_1", { maxRetries: 4 }));
    expect(server.seen).toHaveLength(5);
  });

  test("honours Retry-After, capped by maxRetryDelay", async () => {
    reset((_req, res, i) => {
      if (i === 0) apiError(res, 429, "rate_limited", { "retry-after": "1" });
      else json(res, 200, organization());
    });
    await client({ maxRetryDelay: 5_000 }).organizations.get("org_1");
    const waited = (server.seen[1]?.at ?? 0) - (server.seen[0]?.at ?? 0);
    expect(waited).toBeGreaterThanOrEqual(950);

    // A server asking for a day is held to the cap.
    reset((_req, res, i) => {
      if (i === 0) apiError(res, 503, "service_unavailable", { "retry-after": "86400" });
      else json(res, 200, organization());
    });
    const started = Date.now();
    await client({ maxRetryDelay: 100 }).organizations.get("org_1");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test("Retry-After as an HTTP date is honoured too", async () => {
    reset((_req, res, i) => {
      if (i === 0) {
        apiError(res, 503, "service_unavailable", {
          "retry-after": new Date(Date.now() + 2_000).toUTCString(),
        });
      } else json(res, 200, organization());
    });
    await client({ maxRetryDelay: 5_000 }).organizations.get("org_1");
    // HTTP dates have whole seconds: at least ~1 s of the 2 s remains.
    expect((server.seen[1]?.at ?? 0) - (server.seen[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
  });

  test("the last 429's Retry-After is on the error", async () => {
    reset((_req, res) => apiError(res, 429, "rate_limited", { "retry-after": "7" }));
    const err = await caught(client({ maxRetries: 0 }).organizations.get("org_1"));
    expect([err.code, err.status, err.retryAfter]).toEqual(["rate_limited", 429, 7]);
  });

  test("backs off exponentially between retries", async () => {
    reset((_req, res) => apiError(res, 500, "internal_error"));
    await caught(
      client({ retryBaseDelay: 100, maxRetryDelay: 10_000, maxRetries: 3 }).organizations.get("org_1"),
    );
    const at = server.seen.map((r) => r.at);
    const gaps = at.slice(1).map((t, i) => t - (at[i] ?? 0));
    // Equal jitter: retry n waits between half and all of base·2^(n-1).
    expect(gaps[0]).toBeGreaterThanOrEqual(45);
    expect(gaps[1]).toBeGreaterThanOrEqual(95);
    expect(gaps[2]).toBeGreaterThanOrEqual(195);
  });

  test("a stalled answer is a timeout (per client and per call), retried, then thrown", async () => {
    reset(() => {
      /* never answers */
    });
    const started = Date.now();
    const err = await caught(client({ timeout: 100, maxRetries: 1 }).organizations.get("org_1"));
    expect([err.code, err.status, err.retryable]).toEqual(["timeout", null, true]);
    expect(server.seen).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2_000);

    reset(() => {});
    const perCall = await caught(
      client({ timeout: 60_000, maxRetries: 0 }).organizations.get("org_1", { timeout: 50 }),
    );
    expect(perCall.code).toBe("timeout");
  });

  test("a body that stalls after the headers is a timeout too", async () => {
    reset((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "x-request-id": "req_slow" });
      res.write('{"object":"organization",');
    });
    const err = await caught(client({ timeout: 100, maxRetries: 0 }).organizations.get("org_1"));
    expect(err.code).toBe("timeout");
  });

  test("an AbortSignal gives up at once, retries included", async () => {
    reset(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const err = await caught(
      client({ timeout: 10_000 }).organizations.get("org_1", { signal: controller.signal }),
    );
    expect([err.code, err.retryable]).toEqual(["aborted", false]);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(server.seen).toHaveLength(1);

    // Aborting during the backoff stops the retries as well.
    reset((_req, res) => apiError(res, 503, "service_unavailable", { "retry-after": "5" }));
    const during = new AbortController();
    setTimeout(() => during.abort(), 100);
    const err2 = await caught(
      client({ maxRetryDelay: 10_000 }).organizations.get("org_1", { signal: during.signal }),
    );
    expect(err2.code).toBe("aborted");
    expect(server.seen).toHaveLength(1);

    const already = await caught(client().organizations.get("org_1", { signal: AbortSignal.abort() }));
    expect(already.code).toBe("aborted");
  });

  test("connection failures are network_error, retried", async () => {
    reset((req, res) => {
      res.socket?.destroy();
      void req;
    });
    // Attempts are counted at fetch: some runtimes (Bun) silently repeat a request once when a reused
    // keep-alive connection dies, so the server may see more requests than the SDK made.
    let attempts = 0;
    const counting = (input: string, init: RequestInit) => {
      attempts++;
      return fetch(input, init);
    };
    const err = await caught(client({ fetch: counting }).organizations.get("org_1"));
    expect([err.code, err.status, err.retryable]).toEqual(["network_error", null, true]);
    expect(attempts).toBe(3);

    const closed = new Authio({ apiKey: SECRET, apiUrl: "http://127.0.0.1:9", maxRetries: 0 });
    expect((await caught(closed.organizations.get("org_1"))).code).toBe("network_error");
  });

  test("a 2xx that is not the promised JSON is invalid_response, with status and request id", async () => {
    const bodies: [string, string][] = [
      ["not json", "text/plain"],
      [JSON.stringify({ object: "organization", id: 42 }), "application/json"],
      [JSON.stringify(organization({ metadata: { n: 1 } })), "application/json"],
      [JSON.stringify([]), "application/json"],
    ];
    for (const [body, type] of bodies) {
      reset((_req, res) => {
        res.writeHead(200, { "content-type": type, "x-request-id": "req_bad" });
        res.end(body);
      });
      const err = await caught(client().organizations.get("org_1"));
      expect([err.code, err.status, err.requestId, err.retryable]).toEqual([
        "invalid_response",
        200,
        "req_bad",
        false,
      ]);
      expect(server.seen).toHaveLength(1);
    }
    // A list with a wrong item, or without listMetadata.
    for (const body of [
      {
        object: "list",
        data: [organization(), { object: "user" }],
        listMetadata: { before: null, after: null },
      },
      { object: "list", data: [] },
    ]) {
      reset((_req, res) => json(res, 200, body));
      expect((await caught(client().organizations.list())).code).toBe("invalid_response");
    }
  });

  test("an error answer without the contract's body is named by its status", async () => {
    for (const [status, code] of [
      [502, "service_unavailable"],
      [500, "internal_error"],
      [418, "invalid_response"],
    ] as const) {
      reset((_req, res) => {
        res.writeHead(status, { "content-type": "text/html", "x-request-id": "req_html" });
        res.end("<html>Bad gateway</html>");
      });
      const err = await caught(client({ maxRetries: 0 }).organizations.get("org_1"));
      expect([err.code, err.status, err.requestId]).toEqual([code, status, "req_html"]);
    }
  });

  test("unknown server codes pass through; details are kept", async () => {
    reset((_req, res) => {
      res.writeHead(400, { "content-type": "application/json", "x-request-id": "req_hdr" });
      res.end(
        JSON.stringify({
          error: {
            code: "brand_new_code",
            message: "Something new",
            requestId: "req_body",
            details: [{ field: "slug", code: "invalid", message: "bad slug" }],
          },
        }),
      );
    });
    const err = await caught(client().organizations.get("org_1"));
    expect(err.code).toBe("brand_new_code");
    expect(err.requestId).toBe("req_body");
    expect(err.details).toEqual([{ field: "slug", code: "invalid", message: "bad slug" }]);
  });

  test("the secret key never reaches an error, even when a server echoes it back", async () => {
    reset((req, res) => {
      res.writeHead(401, { "content-type": "application/json", "x-request-id": "req_echo" });
      res.end(
        JSON.stringify({
          error: {
            code: "invalid_api_key",
            message: `Unknown key ${req.headers.authorization} (${SECRET})`,
            details: [{ field: "authorization", code: "invalid", message: `got ${SECRET}` }],
          },
        }),
      );
    });
    const err = await caught(client().organizations.get("org_1"));
    expect(err.code).toBe("invalid_api_key");
    const everything = [
      err.message,
      err.stack,
      JSON.stringify(err),
      JSON.stringify(Object.entries(err)),
      JSON.stringify(err.details),
      String(err.cause ?? ""),
    ].join("\n");
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain("transportSecret");
    expect(err.message).toContain("[redacted]");
  });

  test("a key of any shape is cut out of an echoed error; the client object shows no key", async () => {
    const oddKey = "local-dev-key-0123456789";
    reset((req, res) => {
      res.writeHead(401, { "content-type": "application/json", "x-request-id": "req_echo2" });
      res.end(
        JSON.stringify({
          error: { code: "invalid_api_key", message: `Unknown key ${req.headers.authorization?.slice(7)}` },
        }),
      );
    });
    const authio = client({ apiKey: oddKey });
    const err = await caught(authio.organizations.get("org_1"));
    expect(`${err.message}${err.stack}${JSON.stringify(err)}`).not.toContain(oddKey);
    const { inspect } = await import("node:util");
    const shown = `${inspect(authio, { depth: 20, showHidden: true })}${JSON.stringify(authio)}`;
    expect(shown).not.toContain(oddKey);
    expect(inspect(new Authio({ apiKey: SECRET }), { depth: 20, showHidden: true })).not.toContain(
      "transportSecret",
    );
  });

  test("ids are encoded into the path, and empty ids are refused before sending", async () => {
    reset((_req, res) => json(res, 200, organization()));
    await client().organizations.get("org_1/../../v1/users");
    expect(server.seen[0]?.url).toBe("/v1/organizations/org_1%2F..%2F..%2Fv1%2Fusers");
    const err = await caught(client().organizations.get(""));
    expect([err.code, err.details?.[0]?.field]).toEqual(["invalid_request", "organizationId"]);
  });

  test("a body that is not an object is refused before sending", async () => {
    reset((_req, res) => json(res, 201, organization()));
    const cyclic: Record<string, unknown> = { name: "A" };
    cyclic.self = cyclic;
    for (const body of [null, "acme", ["acme"], cyclic, { name: "A", slug: 1n }]) {
      const err = await caught(client().organizations.create(body as never));
      expect([err.code, err.status, err.details?.[0]?.field]).toEqual(["invalid_request", null, "body"]);
    }
    expect(server.seen).toHaveLength(0);
  });

  test("an injected fetch is used for every attempt", async () => {
    reset((_req, res, i) =>
      i === 0 ? apiError(res, 503, "service_unavailable") : json(res, 200, organization()),
    );
    const calls: string[] = [];
    const authio = client({
      fetch: (input: string, init: RequestInit) => {
        calls.push(`${init.method} ${input}`);
        return fetch(input, init);
      },
    });
    await authio.organizations.get("org_1");
    expect(calls).toEqual([
      `GET ${server.url}/v1/organizations/org_1`,
      `GET ${server.url}/v1/organizations/org_1`,
    ]);
  });

  test("without a secret key a Management call fails as invalid_config and sends nothing", async () => {
    reset((_req, res) => json(res, 200, organization()));
    const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
    const saved = env?.AUTHIO_SECRET_KEY;
    if (env) delete env.AUTHIO_SECRET_KEY;
    try {
      const err = await caught(new Authio({ apiUrl: server.url }).organizations.get("org_1"));
      expect(err.code).toBe("invalid_config");
      expect(server.seen).toHaveLength(0);
    } finally {
      if (env && saved !== undefined) env.AUTHIO_SECRET_KEY = saved;
    }
  });

  test("invalid transport options throw invalid_config at construction", () => {
    for (const options of [
      { timeout: 0 },
      { maxRetries: -1 },
      { maxRetries: 1.5 },
      { fetch: "no" },
      { userAgent: "a\nb" },
      { timeout: 2 ** 31 },
    ]) {
      expect(() => new Authio({ apiKey: SECRET, ...(options as object) })).toThrow(AuthioError);
    }
  });
});
