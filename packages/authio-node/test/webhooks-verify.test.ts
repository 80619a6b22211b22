/**
 * Webhook verification: signatures made by an independent HMAC (node:crypto) and by the local server's
 * real deliveries to a receiver of the test's own, checked with `authio.webhooks` (Web Crypto).
 */
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Authio, AuthioError, WEBHOOK_EVENT_TYPES, type WebhookEvent } from "../src/index.ts";
import { clientFor, type LocalAuthio, startLocal, uid } from "./management-local.ts";

const SECRET = "whsec_test_0123456789abcdef";
const webhooks = new Authio({ apiKey: "sk_test_unused", apiUrl: "http://127.0.0.1:9" }).webhooks;

function hmac(secret: string, t: number, body: string | Buffer): string {
  return createHmac("sha256", secret)
    .update(Buffer.concat([Buffer.from(`${t}.`), Buffer.from(body)]))
    .digest("hex");
}

const now = () => Math.floor(Date.now() / 1000);
const body = JSON.stringify({
  id: "evt_1",
  type: "organization.created",
  createdAt: "2026-01-01T00:00:00.000Z",
  data: {
    object: "organization",
    id: "org_1",
    name: "Acme",
    slug: "acme",
    domain: null,
    metadata: {},
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
  },
});

async function reason(input: Parameters<typeof webhooks.verify>[0]): Promise<string> {
  const result = await webhooks.verify(input);
  return result.ok ? "ok" : result.reason;
}

describe("webhook signatures", () => {
  test("a valid delivery verifies into a typed event (string, bytes or ArrayBuffer body)", async () => {
    const t = now();
    const signature = `t=${t},v1=${hmac(SECRET, t, body)}`;
    const event = await webhooks.constructEvent({ payload: body, signature, secret: SECRET });
    expect(event.type).toBe("organization.created");
    if (event.type === "organization.created") expect(event.data.slug).toBe("acme");
    const bytes = new TextEncoder().encode(body);
    expect((await webhooks.constructEvent({ payload: bytes, signature, secret: SECRET })).id).toBe("evt_1");
    expect((await webhooks.constructEvent({ payload: bytes.buffer, signature, secret: SECRET })).id).toBe(
      "evt_1",
    );
  });

  test("signPayload agrees with an independent HMAC", async () => {
    const t = 1_700_000_000;
    expect(await webhooks.signPayload(body, SECRET, t)).toBe(`t=${t},v1=${hmac(SECRET, t, body)}`);
  });

  test("any of several v1 signatures may match (secret rotation); unknown schemes are ignored", async () => {
    const t = now();
    const signature = `t=${t},v0=abc,v1=${hmac("whsec_old", t, body)},v1=${hmac(SECRET, t, body)}`;
    expect(await reason({ payload: body, signature, secret: SECRET })).toBe("ok");
    expect(await reason({ payload: body, signature, secret: "whsec_old" })).toBe("ok");
    // A receiver rotating its own secret can pass both.
    expect(
      await reason({
        payload: body,
        signature: `t=${t},v1=${hmac(SECRET, t, body)}`,
        secret: ["whsec_new", SECRET],
      }),
    ).toBe("ok");
  });

  test("refuses a changed body, a wrong secret, a changed timestamp", async () => {
    const t = now();
    const signature = `t=${t},v1=${hmac(SECRET, t, body)}`;
    expect(await reason({ payload: body.replace("Acme", "Acmf"), signature, secret: SECRET })).toBe(
      "no_matching_signature",
    );
    expect(await reason({ payload: `${body} `, signature, secret: SECRET })).toBe("no_matching_signature");
    expect(await reason({ payload: body, signature, secret: `${SECRET}x` })).toBe("no_matching_signature");
    expect(
      await reason({ payload: body, signature: `t=${t - 1},v1=${hmac(SECRET, t, body)}`, secret: SECRET }),
    ).toBe("no_matching_signature");
    // A signature of the right length with one bit off.
    const mac = hmac(SECRET, t, body);
    const flipped = (Number.parseInt(mac[0] ?? "0", 16) ^ 1).toString(16) + mac.slice(1);
    expect(await reason({ payload: body, signature: `t=${t},v1=${flipped}`, secret: SECRET })).toBe(
      "no_matching_signature",
    );
  });

  test("timestamps outside the tolerance (300 s default, configurable) are refused, both ways", async () => {
    const old = now() - 301;
    const sign = (t: number) => `t=${t},v1=${hmac(SECRET, t, body)}`;
    expect(await reason({ payload: body, signature: sign(old), secret: SECRET })).toBe(
      "timestamp_outside_tolerance",
    );
    expect(await reason({ payload: body, signature: sign(now() - 290), secret: SECRET })).toBe("ok");
    expect(await reason({ payload: body, signature: sign(now() + 400), secret: SECRET })).toBe(
      "timestamp_outside_tolerance",
    );
    expect(await reason({ payload: body, signature: sign(old), secret: SECRET, tolerance: 600 })).toBe("ok");
    expect(await reason({ payload: body, signature: sign(now() - 20), secret: SECRET, tolerance: 10 })).toBe(
      "timestamp_outside_tolerance",
    );
  });

  test("missing and malformed headers", async () => {
    const t = now();
    const mac = hmac(SECRET, t, body);
    expect(await reason({ payload: body, signature: null, secret: SECRET })).toBe("missing_header");
    expect(await reason({ payload: body, signature: "", secret: SECRET })).toBe("missing_header");
    for (const signature of [
      `v1=${mac}`,
      `t=${t}`,
      `t=abc,v1=${mac}`,
      `t=${t},t=${t},v1=${mac}`,
      `t=${t},v1=${mac.slice(2)}`,
      `t=${t},v1=${mac}zz`,
      "garbage",
    ]) {
      expect(await reason({ payload: body, signature, secret: SECRET })).toBe("malformed_header");
    }
  });

  test("a signed body that is not an event is refused", async () => {
    const t = now();
    for (const payload of ["not json", "[]", JSON.stringify({ id: "evt_1", type: "user.created" })]) {
      expect(
        await reason({ payload, signature: `t=${t},v1=${hmac(SECRET, t, payload)}`, secret: SECRET }),
      ).toBe("malformed_payload");
    }
  });

  test("constructEvent throws invalid_signature with the reason; bad configuration throws invalid_config", async () => {
    const err = await webhooks
      .constructEvent({ payload: body, signature: "t=1,v1=00", secret: SECRET })
      .catch((e) => e);
    expect(err).toBeInstanceOf(AuthioError);
    expect([err.code, err.status, err.details[0].code]).toEqual([
      "invalid_signature",
      null,
      "malformed_header",
    ]);
    expect(`${err.message}${err.stack}${JSON.stringify(err)}`).not.toContain(SECRET);
    const config = await webhooks
      .verify({ payload: body, signature: "t=1,v1=00", secret: "" })
      .catch((e) => e);
    expect(config.code).toBe("invalid_config");
  });
});

describe("webhook deliveries from the local server", () => {
  let local: LocalAuthio;
  let receiver: ReturnType<typeof createServer>;
  const deliveries: { body: string; signature: string | undefined }[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const signature = req.headers["authio-signature"];
        deliveries.push({
          body: Buffer.concat(chunks).toString("utf8"),
          signature: typeof signature === "string" ? signature : undefined,
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const port = (receiver.address() as AddressInfo).port;
    local = await startLocal({
      webhooks: [`http://127.0.0.1:${port}/hooks`],
      webhookSecret: ["whsec_current", "whsec_previous"],
    });
  });
  afterAll(async () => {
    await local?.stop();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  test("every delivered event verifies, with either active secret, and is typed by `type`", async () => {
    const authio = clientFor(local);
    const org = await authio.organizations.create({ name: "Hooked", slug: uid("hooked-") });
    const user = await authio.users.create({ email: `${uid("hook")}@example.com` });
    await authio.memberships.add(org.id, { userId: user.id });
    const { session } = await authio.sessions.create({ userId: user.id });
    await authio.sessions.revoke(session.id);
    await authio.organizations.update(org.id, { name: "Hooked 2" });
    await authio.organizations.delete(org.id);

    const expected = [
      "organization.created",
      "user.created",
      "membership.created",
      "session.created",
      "session.revoked",
      "organization.updated",
      "membership.deleted",
      "organization.deleted",
    ];
    const deadline = Date.now() + 15_000;
    while (deliveries.length < expected.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));

    const events: WebhookEvent[] = [];
    for (const delivery of deliveries) {
      for (const secret of ["whsec_current", "whsec_previous"]) {
        const event = await authio.webhooks.constructEvent({
          payload: delivery.body,
          signature: delivery.signature,
          secret,
        });
        if (secret === "whsec_current") events.push(event);
      }
      expect(
        await reason({ payload: delivery.body, signature: delivery.signature, secret: "whsec_other" }),
      ).toBe("no_matching_signature");
    }
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(expected));
    for (const event of events) {
      expect(WEBHOOK_EVENT_TYPES).toContain(event.type);
      expect(event.id).toMatch(/^evt_/);
      switch (event.type) {
        case "organization.created":
        case "organization.updated":
        case "organization.deleted":
          expect(event.data.object).toBe("organization");
          expect(event.data.id).toBe(org.id);
          break;
        case "membership.created":
        case "membership.deleted":
          expect(event.data).toMatchObject({ object: "membership", organizationId: org.id, userId: user.id });
          break;
        case "session.created":
        case "session.revoked":
          expect(event.data).toMatchObject({ object: "session", id: session.id });
          break;
        case "user.created":
          expect(event.data.email).toBe(user.email);
          break;
      }
    }
  }, 30_000);
});
