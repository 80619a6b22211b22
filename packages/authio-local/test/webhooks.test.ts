import { createHmac, timingSafeEqual } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalAuthio } from "../src/index.js";
import { apiFor, startTestServer } from "./helpers.js";

interface Received {
  body: string;
  signature: string;
}

/** A receiver that fails the first `failFirst` deliveries with 500, then acknowledges. */
async function startReceiver(failFirst: number) {
  const received: Received[] = [];
  let attempts = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      attempts++;
      if (attempts <= failFirst) {
        res.writeHead(500).end("not yet");
        return;
      }
      received.push({
        body: Buffer.concat(chunks).toString(),
        signature: String(req.headers["authio-signature"]),
      });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    attempts: () => attempts,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function verify(secret: string, header: string, body: string): boolean {
  const parts = header.split(",");
  const t = parts.find((p) => p.startsWith("t="))?.slice(2);
  if (!t || Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  return parts
    .filter((p) => p.startsWith("v1="))
    .some((p) => {
      const given = Buffer.from(p.slice(3), "hex");
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("webhooks", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let local: LocalAuthio;

  beforeAll(async () => {
    receiver = await startReceiver(2);
    local = await startTestServer({
      webhooks: [receiver.url],
      webhookSecret: ["whsec_old_secret", "whsec_new_secret"],
      webhookRetry: { baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 6 },
    });
  });
  afterAll(async () => {
    await local.stop();
    await receiver.close();
  });

  it("delivers signed events, retrying after failures", async () => {
    const api = apiFor(local);
    const user = (await api("POST", "/v1/users", { email: "hook@x.test" })).body;
    await until(() => receiver.received.length >= 1);
    const first = receiver.received[0]!;
    const event = JSON.parse(first.body);
    expect(event).toMatchObject({ type: "user.created", data: { id: user.id, email: "hook@x.test" } });
    expect(event.id).toMatch(/^evt_/);
    expect(receiver.attempts()).toBeGreaterThanOrEqual(3);
    // One v1 per active secret while rotating; either verifies.
    expect(first.signature.match(/v1=/g)).toHaveLength(2);
    expect(verify("whsec_old_secret", first.signature, first.body)).toBe(true);
    expect(verify("whsec_new_secret", first.signature, first.body)).toBe(true);
    expect(verify("whsec_wrong", first.signature, first.body)).toBe(false);
    expect(verify("whsec_new_secret", first.signature, `${first.body} `)).toBe(false);
  });

  it("emits an event for every kind of change", async () => {
    const api = apiFor(local);
    const org = (await api("POST", "/v1/organizations", { name: "Hooks", slug: "hooks" })).body;
    const user = (await api("POST", "/v1/users", { email: "hook2@x.test" })).body;
    await api("PATCH", `/v1/users/${user.id}`, { firstName: "H" });
    await api("PATCH", `/v1/organizations/${org.id}`, { name: "Hooks 2" });
    await api("POST", `/v1/organizations/${org.id}/memberships`, { userId: user.id });
    await api("PATCH", `/v1/organizations/${org.id}/memberships/${user.id}`, { role: "admin" });
    const s = (await api("POST", "/v1/sessions", { userId: user.id })).body;
    await api("POST", `/v1/sessions/${s.session.id}/revoke`);
    await api("DELETE", `/v1/organizations/${org.id}/memberships/${user.id}`);
    await api("DELETE", `/v1/organizations/${org.id}`);
    await api("DELETE", `/v1/users/${user.id}`);
    const expected = [
      "organization.created",
      "user.created",
      "user.updated",
      "organization.updated",
      "membership.created",
      "membership.updated",
      "session.created",
      "session.revoked",
      "membership.deleted",
      "organization.deleted",
      "user.deleted",
    ];
    const types = () => receiver.received.slice(1).map((r) => JSON.parse(r.body).type as string);
    await until(() => types().length >= expected.length);
    expect([...types()].sort()).toEqual([...expected].sort());
    for (const r of receiver.received) expect(verify("whsec_new_secret", r.signature, r.body)).toBe(true);
  });
});

describe("webhook delivery failures", () => {
  it("gives up after maxAttempts and reports it on the admin surface", async () => {
    const receiver = await startReceiver(1_000_000);
    const local = await startTestServer({
      webhooks: [receiver.url],
      webhookRetry: { baseDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 },
    });
    try {
      const api = apiFor(local);
      await api("POST", "/v1/organizations", { name: "Doomed", slug: "doomed" });
      const deliveries = async () => (await api("GET", "/v1/_local/webhooks/deliveries")).body.data;
      await until(() => receiver.attempts() >= 3);
      let last: { status: string; attempts: number; lastError: string; type: string }[] = [];
      for (let i = 0; i < 100; i++) {
        last = await deliveries();
        if (last[0]?.status === "failed") break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(last[0]).toMatchObject({
        type: "organization.created",
        status: "failed",
        attempts: 3,
        lastError: "HTTP 500",
      });
      expect(receiver.attempts()).toBe(3);
    } finally {
      await local.stop();
      await receiver.close();
    }
  });
});

describe("webhook outbox durability", () => {
  it("keeps an undelivered event across a restart and delivers it then", async () => {
    const dir = mkdtempSync(join(tmpdir(), "authio-hooks-"));
    const db = join(dir, "hooks.db");
    const receiver = await startReceiver(1); // refuses the first attempt
    try {
      const options = {
        db,
        webhooks: [receiver.url],
        webhookSecret: "whsec_x",
        webhookRetry: { baseDelayMs: 300 },
      };
      const first = await startTestServer(options);
      await apiFor(first)("POST", "/v1/users", { email: "durable@x.test" });
      await until(() => receiver.attempts() >= 1);
      await first.stop();
      expect(receiver.received).toEqual([]);
      // The retry is due later; a new process on the same database picks it up from the outbox.
      const second = await startTestServer(options);
      try {
        await until(() => receiver.received.length >= 1);
        const event = JSON.parse(receiver.received[0]!.body);
        expect(event).toMatchObject({ type: "user.created", data: { email: "durable@x.test" } });
        expect(verify("whsec_x", receiver.received[0]!.signature, receiver.received[0]!.body)).toBe(true);
      } finally {
        await second.stop();
      }
    } finally {
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
