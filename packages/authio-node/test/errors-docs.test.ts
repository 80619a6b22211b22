/** docs/errors.md lists exactly the codes of the SDK's union, each once, with the status API.md gives it. */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { AUTHIO_ERROR_CODES } from "../src/index.ts";

const doc = readFileSync(new URL("../../../docs/errors.md", import.meta.url), "utf8");

/** Rows of the code tables: "| `code` | status | meaning | what to do |". */
const rows = [...doc.matchAll(/^\|\s*`([a-z_]+)`\s*\|([^|]+)\|([^|]+)\|([^|]+)\|\s*$/gm)].map((m) => ({
  code: m[1] ?? "",
  status: (m[2] ?? "").trim(),
  meaning: (m[3] ?? "").trim(),
  todo: (m[4] ?? "").trim(),
}));
const codeRows = rows.filter((r) => /^(\d{3}|—|the answer's)$/.test(r.status));

describe("docs/errors.md", () => {
  test("lists every code of the union exactly once, and nothing else", () => {
    const listed = codeRows.map((r) => r.code);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual([...AUTHIO_ERROR_CODES].sort());
  });

  test("each code has its API.md §6 status, a meaning and what to do", () => {
    const statuses: Record<string, string> = {
      invalid_request: "400",
      invalid_code: "400",
      invalid_api_key: "401",
      invalid_refresh_token: "401",
      refresh_token_reused: "401",
      not_a_member: "403",
      not_found: "404",
      slug_in_use: "409",
      domain_in_use: "409",
      email_in_use: "409",
      already_member: "409",
      session_inactive: "409",
      idempotency_key_reused: "409",
      payload_too_large: "413",
      rate_limited: "429",
      internal_error: "500",
      service_unavailable: "503",
    };
    for (const row of codeRows) {
      expect(row.status, row.code).toBe(
        statuses[row.code] ?? (row.code === "invalid_response" ? "the answer's" : "—"),
      );
      expect(row.meaning.length, row.code).toBeGreaterThan(10);
      expect(row.todo.length, row.code).toBeGreaterThan(3);
    }
  });
});
