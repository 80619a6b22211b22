import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { MIGRATIONS } from "../src/db/migrations.js";
import { startLocalAuthio } from "../src/index.js";
import { apiFor, expectError, startTestServer } from "./helpers.js";

describe("logs", () => {
  it("never print keys, tokens, codes or query strings", async () => {
    const lines: string[] = [];
    const local = await startTestServer({
      logger: (line) => lines.push(line),
      secretKey: "sk_test_never_logged_123",
    });
    const secrets: string[] = [local.secretKey, "sk_test_wrong_guess_456"];
    try {
      const api = apiFor(local);
      const user = (await api("POST", "/v1/users", { email: "log@x.test" })).body;
      const created = (await api("POST", "/v1/sessions", { userId: user.id })).body;
      const refreshed = (await api("POST", "/v1/sessions/refresh", { refreshToken: created.refreshToken }))
        .body;
      await api("GET", "/v1/jwks", undefined, { key: "sk_test_wrong_guess_456" });
      secrets.push(created.accessToken, created.refreshToken, refreshed.accessToken, refreshed.refreshToken);

      // The hosted page, driven by hand: its CSRF cookie and token, then a code in the redirect.
      const page = await fetch(
        `${local.url}/v1/authorize?redirect_uri=http://localhost:1/cb&state=state-secret-789`,
      );
      const cookie = page.headers.get("set-cookie")!.split(";")[0]!;
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(await page.text())![1]!;
      const post = await fetch(`${local.url}/v1/authorize/select`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie },
        body: new URLSearchParams({
          redirect_uri: "http://localhost:1/cb",
          state: "state-secret-789",
          csrf_token: csrf,
          user_id: user.id,
        }).toString(),
      });
      expect(post.status).toBe(303);
      const code = new URL(post.headers.get("location")!).searchParams.get("code")!;
      const signedIn = (await api("POST", "/v1/sessions/authenticate", { code })).body;
      secrets.push(code, csrf, "state-secret-789", signedIn.accessToken, signedIn.refreshToken);

      expect(lines.length).toBeGreaterThan(5);
      const log = lines.join("\n");
      for (const secret of secrets) expect(log).not.toContain(secret);
    } finally {
      await local.stop();
    }
  });
});

describe("authorization header", () => {
  it("refuses a request with two Authorization headers", async () => {
    const local = await startTestServer();
    try {
      const { port } = new URL(local.url);
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({
          host: "127.0.0.1",
          port,
          path: "/v1/jwks",
          // A raw header list: fetch would merge the two values into one.
          headers: [
            ["host", `127.0.0.1:${port}`],
            ["authorization", `Bearer ${local.secretKey}`],
            ["authorization", "Bearer sk_test_other"],
          ].flat(),
        } as never);
        req.on("response", (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end();
      });
      expect(status).toBe(401);
      const api = apiFor(local);
      expectError(
        await api("GET", "/v1/jwks", undefined, { key: `${local.secretKey}x` }),
        401,
        "invalid_api_key",
      );
      expectError(
        await api("GET", "/v1/jwks", undefined, { key: local.secretKey.slice(0, -1) }),
        401,
        "invalid_api_key",
      );
      const lower = await api("GET", "/v1/jwks", undefined, {
        key: null,
        headers: { authorization: `bearer ${local.secretKey}` },
      });
      expect(lower.status).toBe(200);
    } finally {
      await local.stop();
    }
  });

  it("rejects a malformed secret key option", async () => {
    await expect(startTestServer({ secretKey: "not-a-key" })).rejects.toThrow(/sk_test_/);
  });
});

describe("schema migrations", () => {
  it("upgrades a database written by the first schema, keeping its rows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "authio-upgrade-"));
    const path = join(dir, "v1.db");
    try {
      const old = new Database(path);
      old.pragma("journal_mode = WAL");
      old.exec(MIGRATIONS[0]!.sql);
      old.exec(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
      );
      old
        .prepare("INSERT INTO schema_migrations VALUES (1, ?, ?)")
        .run(MIGRATIONS[0]!.name, new Date().toISOString());
      old.pragma("user_version = 1");
      const now = new Date().toISOString();
      old
        .prepare(
          "INSERT INTO users (id, email, created_at, updated_at) VALUES ('user_old', 'old@x.test', ?, ?)",
        )
        .run(now, now);
      old.close();
      const local = await startLocalAuthio({ port: 0, db: path });
      try {
        expect((await apiFor(local)("GET", "/v1/users/user_old")).body.email).toBe("old@x.test");
        const s = await local.createSession({ userId: "user_old", impersonatorId: "user_old" });
        expect(s.session.userId).toBe("user_old");
      } finally {
        await local.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("records applied migrations and refuses a database from a newer version", async () => {
    const dir = mkdtempSync(join(tmpdir(), "authio-migrate-"));
    const path = join(dir, "m.db");
    try {
      const local = await startLocalAuthio({ port: 0, db: path });
      await local.stop();
      const db = new Database(path);
      const version = db.pragma("user_version", { simple: true }) as number;
      expect(version).toBeGreaterThan(0);
      const rows = db.prepare("SELECT version, name FROM schema_migrations ORDER BY version").all();
      expect(rows).toHaveLength(version);
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      db.pragma(`user_version = ${version + 1}`);
      db.close();
      await expect(startLocalAuthio({ port: 0, db: path })).rejects.toThrow(/newer/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
