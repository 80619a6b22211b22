/** Type-level checks of the public Management API (run by vitest's typecheck). */
import { describe, expectTypeOf, test } from "vitest";
import type {
  Authio,
  AuthioErrorCode,
  ListPage,
  Membership,
  Organization,
  ResponseMeta,
  SessionRecord,
  User,
  UserMembership,
  WebhookEvent,
} from "../src/index.ts";

declare const authio: Authio;

describe("Management API types", () => {
  test("results carry lastResponse; lists are pages and async iterables", async () => {
    const org = await authio.organizations.create({ name: "A", slug: "a" });
    expectTypeOf(org).toMatchTypeOf<Organization>();
    expectTypeOf(org.lastResponse).toEqualTypeOf<ResponseMeta>();
    expectTypeOf(org.createdAt).toEqualTypeOf<string>();
    expectTypeOf(org.domain).toEqualTypeOf<string | null>();
    const page = await authio.organizations.list({ limit: 10 });
    expectTypeOf(page).toEqualTypeOf<ListPage<Organization>>();
    expectTypeOf(page.data).toEqualTypeOf<Organization[]>();
    expectTypeOf(page).toMatchTypeOf<AsyncIterable<Organization>>();
    expectTypeOf(await authio.memberships.list("org_1")).toEqualTypeOf<ListPage<Membership>>();
    expectTypeOf(await authio.sessions.list("user_1")).toEqualTypeOf<ListPage<SessionRecord>>();
    expectTypeOf(await authio.users.get("user_1")).toMatchTypeOf<User>();
  });

  test("listMemberships is a plain array of memberships with their organization", async () => {
    const all = await authio.users.listMemberships("user_1");
    expectTypeOf(all).toMatchTypeOf<UserMembership[]>();
    expectTypeOf(all[0]!.organization.name).toEqualTypeOf<string>();
  });

  test("per-call options: idempotencyKey only where the method POSTs", () => {
    authio.organizations.create(
      { name: "A", slug: "a" },
      { idempotencyKey: "k", timeout: 1, signal: undefined },
    );
    // @ts-expect-error -- a GET takes no idempotency key
    authio.organizations.get("org_1", { idempotencyKey: "k" });
    // @ts-expect-error -- slug is required
    authio.organizations.create({ name: "A" });
  });

  test("webhook events narrow on type", () => {
    const event = {} as WebhookEvent;
    if (event.type === "membership.created") expectTypeOf(event.data).toEqualTypeOf<Membership>();
    if (event.type === "user.deleted") expectTypeOf(event.data).toEqualTypeOf<User>();
    if (event.type === "session.revoked") expectTypeOf(event.data).toEqualTypeOf<SessionRecord>();
  });

  test("error codes: the known ones autocomplete, unknown strings still fit", () => {
    expectTypeOf<"slug_in_use">().toMatchTypeOf<AuthioErrorCode>();
    expectTypeOf<"a_future_code">().toMatchTypeOf<AuthioErrorCode>();
  });
});
