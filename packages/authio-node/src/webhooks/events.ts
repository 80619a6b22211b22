import type { Membership, Organization, SessionRecord, User } from "../management/models.js";

interface EventBase<Type extends string, Data> {
  /** `evt_…`: the same id on every redelivery of one event, so a receiver can de-duplicate. */
  readonly id: string;
  readonly type: Type;
  /** ISO 8601, UTC. */
  readonly createdAt: string;
  readonly data: Data;
}

export type UserEvent = EventBase<"user.created" | "user.updated" | "user.deleted", User>;
export type OrganizationEvent = EventBase<
  "organization.created" | "organization.updated" | "organization.deleted",
  Organization
>;
export type MembershipEvent = EventBase<
  "membership.created" | "membership.updated" | "membership.deleted",
  Membership
>;
export type SessionEvent = EventBase<"session.created" | "session.revoked", SessionRecord>;

/**
 * A verified webhook event (API.md §5.6), a union discriminated on `type`:
 *
 * ```ts
 * if (event.type === "membership.created") event.data.role; // data is a Membership
 * ```
 */
export type WebhookEvent = UserEvent | OrganizationEvent | MembershipEvent | SessionEvent;
export type WebhookEventType = WebhookEvent["type"];

/** Every event type of API.md §5.6. */
export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = Object.freeze([
  "user.created",
  "user.updated",
  "user.deleted",
  "organization.created",
  "organization.updated",
  "organization.deleted",
  "membership.created",
  "membership.updated",
  "membership.deleted",
  "session.created",
  "session.revoked",
] as const);
