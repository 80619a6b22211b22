/**
 * A tiny real HTTP server for transport tests: each test scripts the answers, and every request it saw
 * is recorded (method, path, headers, body) so a test can check what actually went over the wire.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  at: number;
}

export type Script = (req: SeenRequest, res: ServerResponse, index: number) => unknown;

export interface ScriptedServer {
  url: string;
  seen: SeenRequest[];
  script: Script;
  close(): Promise<void>;
}

export async function startScriptedServer(script: Script): Promise<ScriptedServer> {
  const sockets = new Set<import("node:net").Socket>();
  const state: ScriptedServer = {
    url: "",
    seen: [],
    script,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const seen: SeenRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
      };
      state.seen.push(seen);
      void state.script(seen, res, state.seen.length - 1);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

let counter = 0;
/** Answers JSON with an `X-Request-Id`, as the API does. */
export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): string {
  const requestId = `req_test${++counter}`;
  res.writeHead(status, { "content-type": "application/json", "x-request-id": requestId, ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
  return requestId;
}

export function apiError(
  res: ServerResponse,
  status: number,
  code: string,
  headers: Record<string, string> = {},
): string {
  const requestId = `req_err${++counter}`;
  res.writeHead(status, { "content-type": "application/json", "x-request-id": requestId, ...headers });
  res.end(JSON.stringify({ error: { code, message: `${code} happened`, requestId } }));
  return requestId;
}

export function organization(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    object: "organization",
    id: "org_1",
    name: "Acme",
    slug: "acme",
    domain: null,
    metadata: {},
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    ...overrides,
  };
}
