import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalAuthio } from "../src/index.js";
import { cliPath, ensureBuilt, startCli, waitForExit } from "./cli-helpers.js";
import { type ApiResponse, apiFor, decodeJwt } from "./helpers.js";

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "authio-local-"));
  ensureBuilt();
}, 180_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("persistence", () => {
  it("restarts with its data, secret key and signing keys intact", async () => {
    const db = join(dir, "restart.db");
    const first = await startLocalAuthio({ port: 0, db });
    let ids: { org: string; user: string; session: string; refresh: string; kid: string };
    try {
      const api = apiFor(first);
      const org = (await api("POST", "/v1/organizations", { name: "Keep", slug: "keep" })).body;
      const user = (await api("POST", "/v1/users", { email: "keep@x.test" })).body;
      await api("POST", `/v1/organizations/${org.id}/memberships`, { userId: user.id, role: "admin" });
      const s = (await api("POST", "/v1/sessions", { userId: user.id, organizationId: org.id })).body;
      ids = {
        org: org.id,
        user: user.id,
        session: s.session.id,
        refresh: s.refreshToken,
        kid: first.jwks().keys[0]!.kid,
      };
    } finally {
      await first.stop();
    }
    const second = await startLocalAuthio({ port: 0, db });
    try {
      expect(second.secretKey).toBe(first.secretKey);
      expect(second.jwks().keys.map((k) => k.kid)).toEqual([ids.kid]);
      const api = apiFor(second);
      expect((await api("GET", `/v1/organizations/${ids.org}`)).body.slug).toBe("keep");
      expect((await api("GET", `/v1/users/${ids.user}/memberships`)).body.data[0].role).toBe("admin");
      const refreshed = await api("POST", "/v1/sessions/refresh", { refreshToken: ids.refresh });
      expect(refreshed.status).toBe(200);
      expect(decodeJwt(refreshed.body.accessToken).header.kid).toBe(ids.kid);
      expect(refreshed.body.session.id).toBe(ids.session);
    } finally {
      await second.stop();
    }
  });

  it("loses no acknowledged write when killed with SIGKILL mid-load", async () => {
    const db = join(dir, "crash.db");
    const server = await startCli(["--db", db, "--quiet"]);
    const api = apiFor(server);
    const acknowledged: string[] = [];
    let stop = false;
    // 8 writers create users until the server dies; the kill lands while writes are in flight.
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; i < 60 && !stop; i++) {
        try {
          const r = await api("POST", "/v1/users", { email: `w${w}-${i}@crash.test` });
          if (r.status === 201) acknowledged.push(r.body.id);
        } catch {
          return; // connection refused or reset: the server is gone
        }
      }
    });
    const killer = (async () => {
      for (let i = 0; i < 400 && acknowledged.length < 150; i++) await new Promise((r) => setTimeout(r, 10));
      server.child.kill("SIGKILL");
      stop = true;
    })();
    await Promise.all([...writers, killer]);
    await waitForExit(server.child);
    expect(server.child.signalCode).toBe("SIGKILL");
    expect(acknowledged.length).toBeGreaterThan(0);

    const reopened = await startLocalAuthio({ port: 0, db });
    try {
      const again = apiFor(reopened);
      const stored = new Set<string>();
      let after: string | null = null;
      for (let page = 0; page < 20; page++) {
        const r: ApiResponse = await again(
          "GET",
          `/v1/users?limit=100&order=asc${after ? `&after=${after}` : ""}`,
        );
        for (const u of r.body.data) stored.add(u.id);
        after = r.body.listMetadata.after;
        if (!after) break;
      }
      const lost = acknowledged.filter((id) => !stored.has(id));
      expect(lost).toEqual([]);
    } finally {
      await reopened.stop();
    }
  });
});

describe("CLI", () => {
  it("seeds from a file, uses the given secret key and prints both", async () => {
    const seedPath = join(dir, "seed.json");
    writeFileSync(
      seedPath,
      JSON.stringify({
        users: [
          { id: "user_alice", email: "alice@acme.test", firstName: "Alice" },
          { email: "bob@acme.test" },
        ],
        organizations: [
          { id: "org_acme", name: "Acme", slug: "acme" },
          { name: "Globex", slug: "globex" },
        ],
        memberships: [
          { user: "alice@acme.test", organization: "acme", role: "admin" },
          { user: "user_alice", organization: "globex" },
          { user: "bob@acme.test", organization: "org_acme" },
        ],
      }),
    );
    const server = await startCli([
      "--db",
      ":memory:",
      "--seed",
      seedPath,
      "--secret-key",
      "sk_test_cli_fixed_key",
      "--quiet",
    ]);
    try {
      expect(server.secretKey).toBe("sk_test_cli_fixed_key");
      const api = apiFor(server);
      const memberships = (await api("GET", "/v1/users/user_alice/memberships?order=asc")).body.data;
      expect(
        memberships.map(
          (m: { organization: { slug: string }; role: string }) => `${m.organization.slug}:${m.role}`,
        ),
      ).toEqual(["acme:admin", "globex:member"]);
      expect((await api("GET", "/v1/organizations/org_acme/memberships")).body.data).toHaveLength(2);
    } finally {
      server.child.kill("SIGTERM");
      await waitForExit(server.child);
    }
    expect(server.child.exitCode).toBe(0);
  });

  it("rotate-keys publishes a new key in the database", async () => {
    const db = join(dir, "rotate.db");
    const before = await startLocalAuthio({ port: 0, db });
    const oldKid = before.jwks().keys[0]!.kid;
    await before.stop();
    const r = spawnSync(process.execPath, [cliPath, "rotate-keys", "--db", db, "--algorithm", "RS256"], {
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Published key_/);
    const after = await startLocalAuthio({ port: 0, db });
    try {
      const keys = after.jwks().keys;
      expect(keys.map((k) => k.alg).sort()).toEqual(["ES256", "RS256"]);
      // The new key waits an hour before it signs (API.md §3).
      const token = (
        await after.createSession({
          userId: (await after.seed({ users: [{ email: "r@x.test" }] })).users["r@x.test"]!,
        })
      ).accessToken;
      expect(decodeJwt(token).header.kid).toBe(oldKid);
    } finally {
      await after.stop();
    }
  });

  it("applies fault flags and sees a key rotated by another process while running", async () => {
    const db = join(dir, "flags.db");
    const server = await startCli(["--db", db, "--quiet", "--fail", "503:2", "--rate-limit", "4/60"]);
    try {
      const api = apiFor(server);
      expect((await api("GET", "/v1/jwks")).status).toBe(503);
      expect((await api("GET", "/v1/jwks")).status).toBe(503);
      const before = (await api("GET", "/v1/jwks")).body.keys;
      expect(before).toHaveLength(1);
      const r = spawnSync(process.execPath, [cliPath, "rotate-keys", "--db", db], { encoding: "utf8" });
      expect(r.status).toBe(0);
      // WAL lets the CLI write while the server runs; the server reads keys from the database.
      expect((await api("GET", "/v1/jwks")).body.keys).toHaveLength(2);
      const limited = await api("GET", "/v1/jwks");
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    } finally {
      server.child.kill("SIGTERM");
      await waitForExit(server.child);
    }
  });

  it("refuses unknown flags", () => {
    const r = spawnSync(process.execPath, [cliPath, "start", "--nope"], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/nope/);
  });
});
