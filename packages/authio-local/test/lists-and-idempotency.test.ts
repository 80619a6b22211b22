import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalAuthio } from "../src/index.js";
import { type Api, apiFor, expectError, startTestServer } from "./helpers.js";

let local: LocalAuthio;
let api: Api;

beforeAll(async () => {
  local = await startTestServer();
  api = apiFor(local);
});
afterAll(async () => {
  await local.stop();
});

describe("cursor pagination", () => {
  const created: string[] = [];

  beforeAll(async () => {
    // 57 users: pages of 10 leave a partial last page.
    for (let i = 0; i < 57; i++) {
      const r = await api("POST", "/v1/users", { email: `page${String(i).padStart(2, "0")}@list.test` });
      created.push(r.body.id);
    }
  });

  async function walk(order: "asc" | "desc", limit: number) {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const q: string = `/v1/users?limit=${limit}&order=${order}${after ? `&after=${after}` : ""}`;
      const r = await api("GET", q);
      expect(r.status).toBe(200);
      seen.push(...r.body.data.map((u: { id: string }) => u.id));
      after = r.body.listMetadata.after;
      pages++;
    } while (after && pages < 50);
    return { seen, pages };
  }

  it("walks forwards in both orders without gaps or repeats", async () => {
    const asc = await walk("asc", 10);
    expect(asc.seen).toEqual(created);
    expect(asc.pages).toBe(6);
    const desc = await walk("desc", 10);
    expect(desc.seen).toEqual([...created].reverse());
    const defaults = await api("GET", "/v1/users");
    expect(defaults.body.data).toHaveLength(10);
    expect(defaults.body.data[0].id).toBe(created[56]);
    expect(defaults.body.listMetadata.before).toBeNull();
  });

  it("walks backwards with before, following the list's own order", async () => {
    for (const order of ["asc", "desc"] as const) {
      const expected = order === "asc" ? created : [...created].reverse();
      // Jump to the last page, then walk back to the start.
      const { seen } = await walk(order, 25);
      expect(seen).toEqual(expected);
      const lastPage = await api("GET", `/v1/users?limit=25&order=${order}&after=${expected[49]}`);
      expect(lastPage.body.data.map((u: { id: string }) => u.id)).toEqual(expected.slice(50));
      expect(lastPage.body.listMetadata.after).toBeNull();
      const back: string[][] = [];
      let before: string | null = lastPage.body.listMetadata.before;
      let guard = 0;
      while (before && guard++ < 10) {
        const r = await api("GET", `/v1/users?limit=25&order=${order}&before=${before}`);
        back.unshift(r.body.data.map((u: { id: string }) => u.id));
        expect(r.body.listMetadata.after).toBe(r.body.data.at(-1).id);
        before = r.body.listMetadata.before;
      }
      expect(back.flat()).toEqual(expected.slice(0, 50));
    }
  });

  it("validates query parameters without clamping", async () => {
    for (const [query, field] of [
      ["limit=0", "limit"],
      ["limit=101", "limit"],
      ["limit=abc", "limit"],
      ["limit=1.5", "limit"],
      ["order=up", "order"],
      ["after=user_unknown", "after"],
      ["colour=red", "colour"],
    ] as const) {
      const error = expectError(await api("GET", `/v1/users?${query}`), 400, "invalid_request");
      expect(error.details?.[0]?.field).toBe(field);
    }
    expect((await api("GET", "/v1/users?limit=100")).body.data).toHaveLength(57);
    expect((await api("GET", "/v1/users?limit=1")).body.data).toHaveLength(1);
  });
});

describe("uniqueness under concurrency", () => {
  it("lets exactly one of 20 parallel creates of one slug win", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api("POST", "/v1/organizations", { name: `Racer ${i}`, slug: "contested" }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const r of results.filter((r) => r.status === 409)) expectError(r, 409, "slug_in_use");
    expect((await api("GET", "/v1/organizations?slug=contested")).body.data).toHaveLength(1);
  });

  it("lets exactly one of 20 parallel creates of one email win", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api("POST", "/v1/users", { email: i % 2 ? "race@x.test" : "RACE@x.test" }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
  });
});

describe("idempotency keys", () => {
  it("replays the first response for a repeat and refuses a different request", async () => {
    const headers = { "idempotency-key": "create-acme-1" };
    const first = await api("POST", "/v1/organizations", { name: "Idem", slug: "idem" }, { headers });
    expect(first.status).toBe(201);
    const again = await api("POST", "/v1/organizations", { slug: "idem", name: "Idem" }, { headers });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await api("GET", "/v1/organizations?slug=idem")).body.data).toHaveLength(1);
    expectError(
      await api("POST", "/v1/organizations", { name: "Other", slug: "idem-2" }, { headers }),
      409,
      "idempotency_key_reused",
    );
    expectError(
      await api("POST", "/v1/users", { email: "idem@x.test" }, { headers }),
      409,
      "idempotency_key_reused",
    );
  });

  it("replays errors too, with the new request id", async () => {
    await api("POST", "/v1/organizations", { name: "Taken", slug: "taken-slug" });
    const headers = { "idempotency-key": "taken-1" };
    const first = expectError(
      await api("POST", "/v1/organizations", { name: "T", slug: "taken-slug" }, { headers }),
      409,
      "slug_in_use",
    );
    const second = expectError(
      await api("POST", "/v1/organizations", { name: "T", slug: "taken-slug" }, { headers }),
      409,
      "slug_in_use",
    );
    expect(second.requestId).not.toBe(first.requestId);
  });

  it("creates once under parallel retries with one key", async () => {
    const headers = { "idempotency-key": "parallel-1" };
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        api("POST", "/v1/users", { email: "parallel@idem.test" }, { headers }),
      ),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
  });

  it("validates the key", async () => {
    const empty = expectError(
      await api("POST", "/v1/users", { email: "k@x.test" }, { headers: { "idempotency-key": "" } }),
      400,
      "invalid_request",
    );
    expect(empty.details?.[0]?.field).toBe("Idempotency-Key");
    expectError(
      await api(
        "POST",
        "/v1/users",
        { email: "k@x.test" },
        { headers: { "idempotency-key": "k".repeat(256) } },
      ),
      400,
      "invalid_request",
    );
    expect(
      (
        await api(
          "POST",
          "/v1/users",
          { email: "k@x.test" },
          { headers: { "idempotency-key": "k".repeat(255) } },
        )
      ).status,
    ).toBe(201);
  });

  it("keeps keys for 24 hours", async () => {
    const headers = { "idempotency-key": "expiring" };
    const first = await api("POST", "/v1/users", { email: "exp1@idem.test" }, { headers });
    local.setClockOffset(24 * 3600 + 60);
    try {
      const later = await api("POST", "/v1/users", { email: "exp2@idem.test" }, { headers });
      expect(later.status).toBe(201);
      expect(later.body.id).not.toBe(first.body.id);
    } finally {
      local.setClockOffset(0);
    }
  });
});
