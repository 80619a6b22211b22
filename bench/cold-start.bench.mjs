#!/usr/bin/env node
// Cold start: from spawning a fresh Node process to its first verified token, the JWKS fetch
// included — what a serverless function or a freshly deployed instance pays on its first request.
// Measured beside an empty Node process (the floor) and jose's createRemoteJWKSet + jwtVerify.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { startLocalAuthio } from "@authio/local";
import { fmt, median, quick, root, table, writeSection } from "./lib/report.mjs";

const RUNS = quick ? 2 : 15;
const run = promisify(execFile);
const local = await startLocalAuthio({ port: 0, db: ":memory:", logger: false });
try {
  const seeded = await local.seed({ users: [{ email: "cold@start.test" }] });
  const userId = seeded.users["cold@start.test"];
  const { accessToken } = await local.createSession({ userId });
  const env = { ...process.env, URL: local.url, KEY: local.secretKey, TOKEN: accessToken };

  const CASES = [
    ["empty Node process (floor)", ""],
    [
      "`@authio/node` `sessions.verify`",
      `import { Authio } from "@authio/node";
       const authio = new Authio({ apiUrl: process.env.URL, apiKey: process.env.KEY });
       if (!(await authio.sessions.verify(process.env.TOKEN))) process.exit(1);`,
    ],
    [
      "jose `createRemoteJWKSet` + `jwtVerify`",
      `import { createRemoteJWKSet, jwtVerify } from "jose";
       const jwks = createRemoteJWKSet(new URL(process.env.URL + "/v1/jwks"), { headers: { authorization: "Bearer " + process.env.KEY } });
       await jwtVerify(process.env.TOKEN, jwks, { issuer: process.env.URL });`,
    ],
  ];

  const rows = [];
  let floor = 0;
  for (const [name, script] of CASES) {
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      // Asynchronous: the local Authio server answering the child's JWKS request runs in this process.
      await run(process.execPath, ["--input-type=module", "-e", script], { cwd: join(root, "bench"), env });
      times.push(performance.now() - start);
    }
    const ms = median(times);
    if (!floor) floor = ms;
    rows.push([name, `${fmt(ms)} ms`, script ? `+${fmt(ms - floor)} ms` : "—"]);
  }

  writeSection(
    "cold-start",
    `## Cold start: process start to first verified token

A fresh Node process imports the library, fetches the JWKS from the local Authio server over HTTP on
127.0.0.1 and verifies one ES256 access token (median of ${RUNS} processes).

${table(["case", "spawn to verified (median)", "over an empty process"], rows)}`,
  );
} finally {
  await local.stop();
}
