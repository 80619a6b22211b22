/**
 * An HTTP proxy of the tests' own between the SDK and the local server, on 127.0.0.1. It forwards each
 * request for real and can, per request, fail it the ways a network does: drop the connection (before
 * the server sees it, or after the server committed — a lost answer), answer 429/500/503 itself with the
 * contract's error body and a `Retry-After`, or stall past the client's timeout. It can also rewrite text
 * both ways (used to give the quickstart's placeholder ids to real objects).
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type Fault =
  | { kind: "drop"; when: "before" | "after" }
  | { kind: "status"; status: 429 | 500 | 502 | 503 | 504; retryAfter?: number; when: "before" | "after" }
  | { kind: "stall"; ms: number; when: "before" | "after" };

export interface ProxiedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface ProxyOptions {
  /** Decides the fate of each request: `null` forwards it untouched. */
  fault?: (req: ProxiedRequest) => Fault | null;
  /** Text replacements applied to request URLs and bodies; reversed on response bodies. */
  rewrite?: [string, string][];
}

export interface FaultProxy {
  url: string;
  /** Requests that reached the server (were forwarded), by method. */
  forwarded: number;
  close(): Promise<void>;
}

const CODES: Record<number, string> = {
  429: "rate_limited",
  500: "internal_error",
  502: "service_unavailable",
  503: "service_unavailable",
  504: "service_unavailable",
};

let injected = 0;

function replaceAll(text: string, pairs: [string, string][], reverse: boolean): string {
  let out = text;
  for (const [from, to] of pairs) out = reverse ? out.split(to).join(from) : out.split(from).join(to);
  return out;
}

export async function startProxy(target: string, options: ProxyOptions = {}): Promise<FaultProxy> {
  const targetUrl = new URL(target);
  const sockets = new Set<Socket>();
  const rewrite = options.rewrite ?? [];
  const state: FaultProxy = {
    url: "",
    forwarded: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  function answerFault(res: ServerResponse, fault: Fault): void {
    if (fault.kind === "drop") {
      res.socket?.destroy();
    } else if (fault.kind === "stall") {
      // Hold the answer; the client gives up first, then the connection is dropped.
      setTimeout(() => res.socket?.destroy(), fault.ms);
    } else {
      const requestId = `req_proxy${++injected}`;
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "x-request-id": requestId,
      };
      if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
      res.writeHead(fault.status, headers);
      res.end(
        JSON.stringify({
          error: { code: CODES[fault.status], message: "Injected by the test proxy.", requestId },
        }),
      );
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const proxied: ProxiedRequest = {
        method: req.method ?? "GET",
        url: replaceAll(
          req.url ?? "/",
          rewrite.map(([a, b]) => [encodeURIComponent(a), b]),
          false,
        ),
        headers: req.headers,
        body: replaceAll(Buffer.concat(chunks).toString("utf8"), rewrite, false),
      };
      const fault = options.fault?.(proxied) ?? null;
      if (fault && fault.when === "before") return answerFault(res, fault);
      const body = Buffer.from(proxied.body, "utf8");
      const headers = { ...req.headers, host: targetUrl.host, "content-length": String(body.length) };
      const upstream = httpRequest(
        {
          host: targetUrl.hostname,
          port: targetUrl.port,
          method: proxied.method,
          path: proxied.url,
          headers,
        },
        (up) => {
          const parts: Buffer[] = [];
          up.on("data", (c: Buffer) => parts.push(c));
          up.on("end", () => {
            state.forwarded++;
            if (fault) return answerFault(res, fault);
            const text = replaceAll(Buffer.concat(parts).toString("utf8"), rewrite, true);
            const out = Buffer.from(text, "utf8");
            const outHeaders = { ...up.headers, "content-length": String(out.length) };
            delete outHeaders["transfer-encoding"];
            res.writeHead(up.statusCode ?? 502, outHeaders);
            res.end(out);
          });
        },
      );
      upstream.on("error", () => res.socket?.destroy());
      upstream.end(body);
    });
  });
  server.keepAliveTimeout = 1_000;
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
