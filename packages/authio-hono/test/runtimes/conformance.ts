// Runs the conformance matrix against the Hono fixture app served by this runtime's own server:
// `bun test/runtimes/conformance.ts` (Bun.serve) or `deno run -A test/runtimes/conformance.ts`
// (Deno.serve). The JWKS servers and the driver run in the same process, over real HTTP on
// 127.0.0.1. Prints each failure, then one line `N passed, N failed`. test/runtimes/run.mjs runs both.
import { Authio } from "@authio/node";
import { runConformance, startConformanceEnvironment } from "../../../test-kit/src/index.ts";
import { createFixtureApp } from "../fixture.ts";

type Fetch = (request: Request) => Response | Promise<Response>;
interface Served {
  url: string;
  stop(): Promise<void>;
}
const runtime = globalThis as unknown as {
  Bun?: {
    serve(o: { port: number; hostname: string; fetch: Fetch }): {
      port: number;
      stop(force?: boolean): unknown;
    };
  };
  Deno?: {
    serve(
      o: { port: number; hostname: string; onListen?: () => void },
      handler: Fetch,
    ): { addr: { port: number }; shutdown(): Promise<void> };
  };
};

function serveHere(fetch: Fetch): Served {
  if (runtime.Bun) {
    const server = runtime.Bun.serve({ port: 0, hostname: "127.0.0.1", fetch });
    return { url: `http://127.0.0.1:${server.port}`, stop: async () => void server.stop(true) };
  }
  if (runtime.Deno) {
    const server = runtime.Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, fetch);
    return { url: `http://127.0.0.1:${server.addr.port}`, stop: () => server.shutdown() };
  }
  throw new Error("run this under Bun or Deno");
}

const name = runtime.Bun ? "Bun" : runtime.Deno ? "Deno" : "?";
const env = await startConformanceEnvironment();
const servers: Served[] = [];
let failed = 1;
try {
  const healthy = serveHere(createFixtureApp(new Authio(env.authioOptions)).fetch);
  servers.push(healthy);
  const broken = serveHere(createFixtureApp(new Authio(env.unavailableAuthioOptions)).fetch);
  servers.push(broken);
  const report = await runConformance({
    baseUrl: healthy.url,
    unavailableBaseUrl: broken.url,
    tokens: env.tokens,
  });
  for (const f of report.failures) console.log(`FAIL [Hono on ${name}] ${f.message}`);
  console.log(`Hono on ${name}: conformance matrix`);
  console.log(`${report.passed} passed, ${report.failed} failed`);
  failed = report.failed;
} finally {
  for (const s of servers) await s.stop();
  await env.close();
}
(globalThis as unknown as { process: { exit(code: number): never } }).process.exit(failed === 0 ? 0 : 1);
