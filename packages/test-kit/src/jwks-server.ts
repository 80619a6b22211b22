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
  close(): Promise<void>;
}

/** A real HTTP JWKS endpoint on 127.0.0.1 speaking API.md §3, with knobs for failure scenarios. */
export async function startJwksServer(
  keys: readonly TestKey[],
  options: { secretKey?: string } = {},
): Promise<JwksServer> {
  const secretKey = options.secretKey ?? "sk_test_jwks_server";
  let published: unknown[] = keys.map((k) => k.jwk);
  let behavior: JwksBehavior = {};
  let requests = 0;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (req.url !== "/v1/jwks") {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"not_found"}}');
      return;
    }
    requests++;
    const current = behavior;
    const answer = () => {
      if (current.drop) {
        req.socket.destroy();
        return;
      }
      if (req.headers.authorization !== `Bearer ${secretKey}`) {
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
      res.end(current.body ?? JSON.stringify({ keys: published }));
    };
    if (current.delayMs) setTimeout(answer, current.delayMs);
    else answer();
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
      published = next.map((k) => ("jwk" in k ? (k as TestKey).jwk : k));
    },
    setBehavior(next) {
      behavior = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
