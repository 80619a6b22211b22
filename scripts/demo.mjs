#!/usr/bin/env node
// `npm run demo`: builds what it needs, starts the local Authio server with the demo seed
// (apps/demo/seed.json) and the four example apps on 127.0.0.1, and prints their URLs, the secret key
// and a ready `curl` line. Ctrl-C stops everything. The database (.authio/demo.db) is reset at every
// start, so the demo always begins from the seed.
//
//   node scripts/demo.mjs            run until Ctrl-C
//   node scripts/demo.mjs --check    start, check every example answers (and the curl line works), stop
//                                    (also with AUTHIO_DEMO_EXIT_AFTER_READY=1)
//   --no-build                       start what is already built
//   --only <name>                    start only this example (repeatable)
import { spawnSync } from "node:child_process";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  availableExamples,
  build,
  EXAMPLES,
  killAllNow,
  mintAccessToken,
  ROOT,
  readSeed,
  startAll,
  TOKEN_USER,
} from "../apps/demo/launch.mjs";

const { values } = parseArgs({
  options: {
    check: { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
    only: { type: "string", multiple: true },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log("usage: node scripts/demo.mjs [--check] [--no-build] [--only express|fastify|hono|next …]");
  process.exit(0);
}
const check = values.check || process.env.AUTHIO_DEMO_EXIT_AFTER_READY === "1";
const TOKEN_TTL_SECONDS = 3600;
const LABELS = { next: "Next.js", express: "Express", fastify: "Fastify", hono: "Hono" };

const examples = availableExamples(values.only);
const missing = EXAMPLES.filter(
  (e) => !examples.includes(e) && (!values.only || values.only.includes(e.name)),
);
for (const e of missing) console.log(`! apps/${e.name} is not in this checkout yet: skipped`);

if (!values["no-build"]) build(examples);

// Where the demo keeps its database and logs (AUTHIO_DEMO_DIR moves it, e.g. for a test).
const stateDir = resolve(process.env.AUTHIO_DEMO_DIR ?? join(ROOT, ".authio"));
const db = join(stateDir, "demo.db");
const logDir = join(stateDir, "logs");
console.log("› starting the local Authio server and the examples…");
let demo;
let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  console.log("\n› stopping…");
  if (demo) await demo.stop();
  else killAllNow(); // a signal while starting: nothing may outlive this process
  console.log("› stopped: the local server and every example are down.");
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => shutdown(0));

try {
  demo = await startAll({ examples, db, fresh: true, logDir, accessTokenTtlSeconds: TOKEN_TTL_SECONDS });
} catch (error) {
  console.error(`\n✗ the demo could not start:\n${error.message}`);
  process.exit(1);
}
if (stopping) await new Promise(() => {}); // a signal arrived while starting: shutdown() exits
const { authio, apps } = demo;

const token = await mintAccessToken(authio, TOKEN_USER);
const seed = readSeed();
const api = apps.find((a) => a.name === "express") ?? apps[0];
const curl = api ? `curl -H "Authorization: Bearer ${token}" ${api.url}/api/me` : null;

const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[22m` : s);
const dim = (s) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[22m` : s);
const shown = (path) => (path.startsWith(`${ROOT}/`) ? relative(ROOT, path) : path);
const orgName = (slug) => seed.organizations.find((o) => o.slug === slug)?.name ?? slug;
const lines = [
  "",
  bold("Authio demo is running") + (check ? "" : dim("  (Ctrl-C stops everything)")),
  "",
  `  Local Authio server  ${authio.url}`,
  `  Secret key           ${authio.secretKey}`,
  `  Database             ${shown(db)} ${dim("(reset at every start)")}`,
  `  Logs                 ${shown(logDir)}/<example>.log`,
  "",
  bold("  Examples") + dim("  (open one, sign in as any seeded user: no password)"),
  ...apps.map((a) => `    ${LABELS[a.name].padEnd(9)}${a.url}`),
  "",
  bold("  Seeded users"),
  ...seed.users.map((u) => {
    const roles = seed.memberships
      .filter((m) => m.user === u.email)
      .map((m) => `${m.role} of ${orgName(m.organization)}`);
    const name = `${u.firstName} ${u.lastName}`;
    return `    ${name.padEnd(19)}${u.email.padEnd(28)}${roles.join(", ") || dim("no organization yet")}`;
  }),
];
if (curl) {
  lines.push(
    "",
    bold("  Call an API route with a Bearer token") +
      dim(
        `  (Ada Lovelace in Acme Corporation, valid ${TOKEN_TTL_SECONDS / 60} minutes; any example's /api/me takes it)`,
      ),
    `    ${curl}`,
  );
}
console.log(`${lines.join("\n")}\n`);

if (check) {
  let ok = true;
  for (const app of apps) {
    const problems = [];
    const me = await fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    const body = await me.text();
    if (me.status !== 200 || !body.includes(TOKEN_USER.userId)) {
      problems.push(`GET /api/me with the Bearer token answered ${me.status}: ${body.slice(0, 200)}`);
    }
    const anonymous = await fetch(`${app.url}/api/me`);
    await anonymous.body?.cancel();
    if (anonymous.status !== 401)
      problems.push(`GET /api/me without credentials answered ${anonymous.status}, not 401`);
    const home = await fetch(`${app.url}/`, { redirect: "manual" });
    await home.body?.cancel();
    const location = home.headers.get("location") ?? "";
    if (home.status < 300 || home.status > 399 || !location.includes("/auth/sign-in")) {
      problems.push(`GET / signed out answered ${home.status} ${location}, not a redirect to /auth/sign-in`);
    }
    console.log(
      `${problems.length ? "✗" : "✓"} ${app.name} ${app.url}${problems.map((p) => `\n    ${p}`).join("")}`,
    );
    if (problems.length) ok = false;
  }
  if (curl && spawnSync("curl", ["--version"]).status === 0) {
    const r = spawnSync("sh", ["-c", `${curl} --silent --fail --max-time 10`], { encoding: "utf8" });
    const works = r.status === 0 && r.stdout.includes(TOKEN_USER.userId);
    console.log(
      `${works ? "✓" : "✗"} the curl line${works ? "" : ` (exit ${r.status}): ${r.stdout}${r.stderr}`}`,
    );
    if (!works) ok = false;
  } else if (curl) {
    console.log("- curl is not installed: the Bearer token was checked with fetch only");
  }
  if (missing.length > 0 && !values.only) {
    console.log(`✗ missing examples: ${missing.map((e) => e.name).join(", ")}`);
    ok = false;
  }
  await shutdown(ok ? 0 : 1);
}
