import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Authio } from "@authio/node";
import { createTestKey, FORGED_SESSION, signToken, startJwksServer } from "@authio/test-kit";
import express5, { type ErrorRequestHandler } from "express";
import express4 from "express4";
import { afterEach, describe, expect, test } from "vitest";
import { authenticate, getAuthResult, getSession, requireSession } from "../src/index.ts";

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});
async function serve(app: ReturnType<typeof express5>): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const errors: unknown[] = [];
const onError: ErrorRequestHandler = (err, _req, res, _next) => {
  errors.push(err);
  res.status(500).json({ caught: err instanceof Error ? err.message : String(err) });
};
const authio = new Authio({ apiUrl: "http://127.0.0.1:9", apiKey: "sk_test_x" });

for (const [name, expressFn] of [
  ["Express 5", express5],
  ["Express 4", express4],
] as const) {
  describe(name, () => {
    test("assigning req.auth after authenticate() throws and changes nothing", async () => {
      const seen: unknown[] = [];
      const app = expressFn();
      app.use(authenticate({ authio }));
      app.use((req, _res, next) => {
        try {
          (req as { auth: unknown }).auth = FORGED_SESSION;
        } catch (err) {
          seen.push(err);
        }
        try {
          Object.defineProperty(req, "auth", { value: FORGED_SESSION });
        } catch (err) {
          seen.push(err);
        }
        next();
      });
      app.get("/", (req, res) => {
        res.json({ auth: req.auth, status: getAuthResult(req)?.status });
      });
      const res = await fetch(await serve(app));
      expect(await res.json()).toEqual({ auth: null, status: "anonymous" });
      expect(seen).toHaveLength(2);
      expect(seen.every((e) => e instanceof TypeError)).toBe(true);
    });

    test("a req.auth planted before authenticate() is replaced", async () => {
      const app = expressFn();
      app.use((req, _res, next) => {
        Object.assign(req, { auth: FORGED_SESSION });
        next();
      });
      app.use(authenticate({ authio }));
      app.get("/", (req, res) => {
        res.json({ auth: req.auth });
      });
      expect(await (await fetch(await serve(app))).json()).toEqual({ auth: null });
    });

    test("authenticate() mounted twice authenticates once and does not throw", async () => {
      const app = expressFn();
      const router = expressFn.Router();
      router.use(authenticate({ authio }));
      router.get("/", requireSession(), (_req, res) => {
        res.end();
      });
      app.use(authenticate({ authio }));
      app.use(router);
      app.use(onError);
      const res = await fetch(await serve(app));
      expect(res.status).toBe(401);
    });

    test("a guard without authenticate() goes to next(err)", async () => {
      errors.length = 0;
      const app = expressFn();
      app.get("/", requireSession(), (_req, res) => {
        res.end();
      });
      app.use(onError);
      const res = await fetch(await serve(app));
      expect(res.status).toBe(500);
      expect(String((errors[0] as Error).message)).toMatch(/authenticate\(\)/);
    });

    test("getSession() on a route without a guard goes to the error handler", async () => {
      const app = expressFn();
      app.use(authenticate({ authio }));
      app.get("/", (req, res) => {
        res.json(getSession(req));
      });
      app.use(onError);
      const res = await fetch(await serve(app));
      expect(res.status).toBe(500);
      expect((await res.json()).caught).toMatch(/requireSession/);
    });

    test("a client that can't be built from the environment goes to next(err), not a crash", async () => {
      errors.length = 0;
      const before = process.env.AUTHIO_API_URL;
      process.env.AUTHIO_API_URL = "not a url";
      try {
        const app = expressFn();
        app.use(authenticate());
        app.get("/", (_req, res) => {
          res.end();
        });
        app.use(onError);
        const res = await fetch(await serve(app));
        expect(res.status).toBe(500);
        expect((errors[0] as { code?: string }).code).toBe("invalid_config");
      } finally {
        if (before === undefined) delete process.env.AUTHIO_API_URL;
        else process.env.AUTHIO_API_URL = before;
      }
    });

    test("the guard answers without any app error handler; Vary is appended, not clobbered", async () => {
      const app = expressFn();
      app.use((_req, res, next) => {
        res.vary("Accept-Encoding");
        next();
      });
      app.use(authenticate({ authio }));
      app.get("/p", (_req, res) => {
        res.json({});
      });
      app.get("/", requireSession(), (_req, res) => {
        res.end();
      });
      const base = await serve(app);
      const denied = await fetch(base);
      expect(denied.status).toBe(401);
      expect(await denied.json()).toEqual({
        error: { code: "unauthenticated", message: expect.any(String) },
      });
      const open = await fetch(`${base}/p`);
      expect(open.headers.get("vary")).toBe("Accept-Encoding, Authorization, Cookie");
      expect(open.headers.get("cache-control")).toBe("private");
    });

    test("a guarded answer goes out private however the route wrote its headers; an open one keeps its own", async () => {
      const key = await createTestKey();
      const jwks = await startJwksServer([key]);
      try {
        const app = expressFn();
        app.use(authenticate({ authio: new Authio({ apiUrl: jwks.url, apiKey: jwks.secretKey }) }));
        app.get("/object", requireSession(), (_req, res) => {
          res.writeHead(200, { "Cache-Control": "public, max-age=5", Vary: "Origin" }).end("x");
        });
        app.get("/message", requireSession(), (_req, res) => {
          res.writeHead(200, "Fine", { "cache-control": "s-maxage=9" }).end("x");
        });
        app.get("/raw", requireSession(), (_req, res) => {
          res.writeHead(200, ["Cache-Control", "public", "Vary", "Origin"]).end("x");
        });
        app.get("/set", requireSession(), requireSession(), (_req, res) => {
          res.set({ "Cache-Control": "public, max-age=5", Vary: "Origin" }).send("x");
        });
        app.get("/open", (_req, res) => {
          res.set("Cache-Control", "public, max-age=5").send("x");
        });
        const base = await serve(app);
        const headers = { authorization: `Bearer ${await signToken(key, jwks.url)}` };
        for (const [path, cacheControl] of [
          ["/object", "private, max-age=5"],
          ["/message", "private"],
          ["/raw", "private"],
          ["/set", "private, max-age=5"],
        ]) {
          const res = await fetch(`${base}${path}`, { headers });
          expect(res.status, path).toBe(200);
          expect(res.headers.get("cache-control"), path).toBe(cacheControl);
          expect(res.headers.get("vary"), path).toMatch(/^(Origin, )?Authorization, Cookie$/);
        }
        // Not guarded: the route's explicit choice stands (the page does not depend on the session).
        const open = await fetch(`${base}/open`, { headers });
        expect(open.headers.get("cache-control")).toBe("public, max-age=5");
      } finally {
        await jwks.close();
      }
    });
  });
}

test("the README example is this file, verbatim", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const example = readFileSync(new URL("./readme-example.ts", import.meta.url), "utf8");
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBe(example);
});
