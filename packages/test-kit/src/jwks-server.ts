import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestKey } from "./keys.ts";

/** How the next JWKS requests are answered; the default serves the current keys with 200. */
export interface JwksBehavior {
  status?: number;
  /** Raw body to send instead of the key set. */
  body?: string;
  /** Milliseconds to wait before answering (to test timeouts and slow endpoints). */
  delayMs?: number;
  /** Answer with a redirect to this location. */
  redirectTo?: string;
  /** Destroy the socket without answering. */
  drop?: boolean;
  extraHeaders?: Record<string, string>;
  /** Serve these keys instead of the published ones (as captured when the request arrived). */
  keys?: readonly TestKey[] | readonly Record<string, unknown>[];
}

export interface JwksServer {
  /** The environment's base URL (also the tokens' issuer); the JWKS is at `${url}/v1/jwks`. */
  readonly url: string;
  readonly secretKey: string;
  /** Requests received at `/v1/jwks` so far. */
  readonly requests: number;
  setKeys(keys: readonly TestKey[] | readonly Record<string, unknown>[]): void;
  /** Applies `behavior` to every following request until it is called again (`{}` restores the default). */
  setBehavior(behavior: JwksBehavior): void;
  /** One-shot behaviors: the next requests take them in order, then `setBehavior`'s applies again. */
  queueBehaviors(...behaviors: JwksBehavior[]): void;
  /** Serves another environment at the same base URL: requests with `secretKey` get these keys. */
  addEnvironment(secretKey: string, keys: readonly TestKey[] | readonly Record<string, unknown>[]): void;
  /** Requests received at `/v1/jwks` with each secret key (the `Authorization` token). */
  requestsFor(secretKey: string): number;
  close(): Promise<void>;
}

/** A real HTTP JWKS endpoint on 127.0.0.1 speaking API.md §3, with knobs for failure scenarios. */
export async function startJwksServer(
  keys: readonly TestKey[],
  options: { secretKey?: string } = {},
): Promise<JwksServer> {
  const secretKey = options.secretKey ?? "sk_test_jwks_server";
  const toJwks = (list: readonly TestKey[] | readonly Record<string, unknown>[]): unknown[] =>
    list.map((k) => ("privateKey" in k && "jwk" in k ? (k as TestKey).jwk : k));
  const environments = new Map<string, unknown[]>([[secretKey, toJwks(keys)]]);
  const perKey = new Map<string, number>();
  let behavior: JwksBehavior = {};
  const queue: JwksBehavior[] = [];
  let requests = 0;
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (req.url !== "/v1/jwks") {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"not_found"}}');
      return;
    }
    requests++;
    const presented = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    perKey.set(presented, (perKey.get(presented) ?? 0) + 1);
    const current = queue.shift() ?? behavior;
    // The answer reflects the keys published when the request arrived, even if it is sent late.
    const known = environments.get(presented);
    const snapshot = known && current.keys ? toJwks(current.keys) : known;
    const answer = () => {
      if (current.drop) {
        req.socket.destroy();
        return;
      }
      if (snapshot === undefined) {
        res.writeHead(401, { "content-type": "application/json" });
        res.end('{"error":{"code":"invalid_api_key","message":"Invalid API key."}}');
        return;
      }
      if (current.redirectTo) {
        res.writeHead(302, { location: current.redirectTo }).end();
        return;
      }
      res.writeHead(current.status ?? 200, {
        "content-type": "application/json",
        "cache-control": "public, max-age=300",
        ...current.extraHeaders,
      });
      res.end(current.body ?? JSON.stringify({ keys: snapshot }));
    };
    if (current.delayMs) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, current.delayMs);
      timers.add(timer);
    } else answer();
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    secretKey,
    get requests() {
      return requests;
    },
    setKeys(next) {
      environments.set(secretKey, toJwks(next));
    },
    setBehavior(next) {
      behavior = next;
    },
    queueBehaviors(...next) {
      queue.push(...next);
    },
    addEnvironment(otherKey, otherKeys) {
      environments.set(otherKey, toJwks(otherKeys));
    },
    requestsFor(key) {
      return perKey.get(key) ?? 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
