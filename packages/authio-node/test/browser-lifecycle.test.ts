// The lifecycle suite (sign-in, refresh, reuse, switch organization, sign-out, CSRF) against the
// core's RequestAuth behind a bare node:http server: the reference every adapter translates.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type LifecycleEnvironment, lifecycleCases, startLifecycleEnvironment } from "@authio/test-kit";
import { afterAll, beforeAll, describe, test } from "vitest";
import { Authio, authorize, fromNodeRequest, type RequestAuth } from "../src/index.js";

function send(
  res: ServerResponse,
  status: number,
  headers: readonly (readonly [string, string])[],
  body: string | null,
) {
  for (const [name, value] of headers) res.appendHeader(name, value);
  res.statusCode = status;
  res.end(body ?? undefined);
}

function fixture(auth: RequestAuth) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const request = fromNodeRequest(req);
    const answer = await auth.handle(request);
    if (answer) return send(res, answer.status, answer.headers, answer.body);
    const { result, setCookies } = await auth.authenticate(request);
    const cookies = setCookies.map((c) => ["set-cookie", c] as const);
    const outcome = authorize(result, {}, { method: req.method });
    if (outcome.action === "deny") {
      const { status, headers, body } = outcome.response;
      return send(res, status, [...Object.entries(headers), ...cookies], JSON.stringify(body));
    }
    if (outcome.action === "pass") return send(res, 204, cookies, null);
    const { userId, orgId, role } = outcome.session;
    send(
      res,
      200,
      [["content-type", "application/json"], ...cookies],
      JSON.stringify({ userId, orgId, role }),
    );
  };
}

describe("lifecycle: core RequestAuth behind node:http", () => {
  let env: LifecycleEnvironment;
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    env = await startLifecycleEnvironment();
    const auth = new Authio(env.authioOptions).createRequestAuth();
    server = createServer(fixture(auth));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await env?.close();
  });

  for (const c of lifecycleCases) test(c.name, () => c.run({ baseUrl, env }));
});
