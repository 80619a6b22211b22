// One benchmark server: `node server.mjs <variant> <issuer>`; prints `{"port":…}` when listening and
// serves `GET /hello` until killed. The same route in every variant: unguarded, guarded by the Authio
// adapter, or guarded by the library a user would otherwise pick.

import {
  authenticate as expressAuthenticate,
  requireSession as expressRequireSession,
  getSession,
} from "@authio/express";
import { authio as fastifyAuthio } from "@authio/fastify";
import { authenticate as honoAuthenticate, requireSession as honoRequireSession } from "@authio/hono";
import { Authio } from "@authio/node";
import fastifyJwt from "@fastify/jwt";
import { serve } from "@hono/node-server";
import express from "express";
import { expressjwt } from "express-jwt";
import Fastify from "fastify";
import buildGetJwks from "get-jwks";
import { Hono } from "hono";
import { jwk } from "hono/jwk";
import jwksRsa from "jwks-rsa";

const [variant, issuer] = process.argv.slice(2);
const jwksUri = `${issuer}/v1/jwks`;
const authio = new Authio({ apiUrl: issuer, apiKey: "sk_test_bench" });

function ready(port) {
  process.stdout.write(`${JSON.stringify({ port })}\n`);
}
// The parent asks for this process's CPU time around each load slice: CPU µs per request is far less
// sensitive than req/s to other processes competing for the machine.
process.on("message", (message) => {
  if (message === "cpu") process.send?.(process.cpuUsage());
});
function listenNode(app) {
  const server = app.listen(0, "127.0.0.1", () => ready(server.address().port));
}

const builders = {
  "express:none"() {
    const app = express();
    app.get("/hello", (_req, res) => {
      res.json({ hello: "world" });
    });
    listenNode(app);
  },
  // Unguarded, but with the two headers every session-dependent answer must carry: what they cost alone.
  "express:headers"() {
    const app = express();
    app.use((_req, res, next) => {
      res.setHeader("cache-control", "private");
      res.vary("Authorization");
      res.vary("Cookie");
      next();
    });
    app.get("/hello", (_req, res) => {
      res.json({ hello: "world" });
    });
    listenNode(app);
  },
  "express:authio"() {
    const app = express();
    app.use(expressAuthenticate({ authio }));
    app.get("/hello", expressRequireSession(), (req, res) => {
      res.json({ hello: getSession(req).userId });
    });
    listenNode(app);
  },
  "express:express-jwt"() {
    const app = express();
    app.get(
      "/hello",
      expressjwt({
        secret: jwksRsa.expressJwtSecret({ jwksUri, cache: true, rateLimit: false }),
        algorithms: ["ES256"],
        issuer,
      }),
      (req, res) => {
        res.json({ hello: req.auth.sub });
      },
    );
    // express-jwt reports a refusal as an error: answer it quietly, as an app would.
    app.use((err, _req, res, _next) => {
      res.status(err.status ?? 500).json({ error: err.code ?? "error" });
    });
    listenNode(app);
  },
  async "fastify:none"() {
    const app = Fastify();
    app.get("/hello", async () => ({ hello: "world" }));
    ready(Number(new URL(await app.listen({ port: 0, host: "127.0.0.1" })).port));
  },
  async "fastify:headers"() {
    const app = Fastify();
    app.addHook("onRequest", (_request, reply, done) => {
      reply.header("cache-control", "private").header("vary", "Authorization, Cookie");
      done();
    });
    app.get("/hello", async () => ({ hello: "world" }));
    ready(Number(new URL(await app.listen({ port: 0, host: "127.0.0.1" })).port));
  },
  async "fastify:authio"() {
    const app = Fastify();
    await app.register(fastifyAuthio, { authio });
    app.get("/hello", { config: { authio: true } }, async (request) => ({ hello: request.auth.userId }));
    ready(Number(new URL(await app.listen({ port: 0, host: "127.0.0.1" })).port));
  },
  async "fastify:@fastify/jwt"() {
    const app = Fastify();
    const getJwks = buildGetJwks({
      issuersWhitelist: [issuer],
      providerDiscovery: false,
      jwksPath: "/v1/jwks",
    });
    await app.register(fastifyJwt, {
      decode: { complete: true },
      secret: (_request, token) =>
        getJwks.getPublicKey({ kid: token.header.kid, alg: token.header.alg, domain: token.payload.iss }),
      verify: { algorithms: ["ES256"], allowedIss: issuer },
    });
    app.get("/hello", { onRequest: (request) => request.jwtVerify() }, async (request) => ({
      hello: request.user.sub,
    }));
    ready(Number(new URL(await app.listen({ port: 0, host: "127.0.0.1" })).port));
  },
  "hono:none"() {
    const app = new Hono();
    app.get("/hello", (c) => c.json({ hello: "world" }));
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => ready(info.port));
    void server;
  },
  "hono:headers"() {
    const app = new Hono();
    app.use(async (c, next) => {
      await next();
      c.res.headers.set("cache-control", "private");
      c.res.headers.append("vary", "Authorization, Cookie");
    });
    app.get("/hello", (c) => c.json({ hello: "world" }));
    serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => ready(info.port));
  },
  "hono:authio"() {
    const app = new Hono();
    app.use(honoAuthenticate({ authio }));
    app.get("/hello", honoRequireSession(), (c) => c.json({ hello: c.var.session.userId }));
    serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => ready(info.port));
  },
  async "hono:hono/jwk"() {
    // The keys fetched once up front: with `jwks_uri`, hono/jwk fetches the key set on every request.
    const { keys } = await (await fetch(jwksUri)).json();
    const app = new Hono();
    app.get("/hello", jwk({ keys, alg: ["ES256"], verification: { iss: issuer } }), (c) =>
      c.json({ hello: c.get("jwtPayload").sub }),
    );
    serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => ready(info.port));
  },
};

const build = builders[variant];
if (!build) {
  console.error(`unknown variant ${variant}; one of ${Object.keys(builders).join(", ")}`);
  process.exit(2);
}
await build();
