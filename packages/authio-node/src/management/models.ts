/**
 * The Management API's objects (API.md §5) and their validating parsers.
 *
 * Timestamps are kept as the ISO 8601 strings the API sends (`"2026-01-31T12:00:00.000Z"`), as in the
 * WorkOS SDK: they survive `JSON.stringify` and caching unchanged; `new Date(org.createdAt)` when needed.
 */
import {
  isBoolean,
  isNullableString,
  isString,
  isStringRecord,
  literal,
  nested,
  objectOf,
  oneOf,
  type Parser,
} from "./shape.js";

/** Free-form string values you attach to a user or an organization. */
export type Metadata = Record<string, string>;

export interface Organization {
  readonly object: "organization";
  /** `org_…` */
  readonly id: string;
  readonly name: string;
  /** Lower-case `[a-z0-9-]`, 2–64 characters, unique in the environment. */
  readonly slug: string;
  readonly domain: string | null;
  readonly metadata: Metadata;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface User {
  readonly object: "user";
  /** `user_…` */
  readonly id: string;
  /** Unique case-insensitively. */
  readonly email: string;
  readonly emailVerified: boolean;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly metadata: Metadata;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type MembershipStatus = "active" | "pending";

export interface Membership {
  readonly object: "membership";
  /** `om_…` */
  readonly id: string;
  readonly organizationId: string;
  readonly userId: string;
  /** `admin`, `member`, or a role of your own. */
  readonly role: string;
  readonly status: MembershipStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A membership seen from the user's side: it names its organization. */
export interface UserMembership extends Membership {
  readonly organization: { readonly id: string; readonly name: string; readonly slug: string };
}

export type SessionStatus = "active" | "revoked" | "expired";

/**
 * A session as the Management API stores it (API.md §5.4). Not to be confused with `Session`, the
 * verified contents of an access token that `authio.sessions.verify` returns.
 */
export interface SessionRecord {
  readonly object: "session";
  /** `session_…` */
  readonly id: string;
  readonly userId: string;
  /** The organization the session is pivoted into, `null` when none. */
  readonly organizationId: string | null;
  readonly status: SessionStatus;
  readonly createdAt: string;
  readonly lastActiveAt: string;
  readonly expiresAt: string;
}

const timestamps = { createdAt: isString, updatedAt: isString };

export const parseOrganization: Parser<Organization> = objectOf<Organization>({
  object: literal("organization"),
  id: isString,
  name: isString,
  slug: isString,
  domain: isNullableString,
  metadata: isStringRecord,
  ...timestamps,
});

export const parseUser: Parser<User> = objectOf<User>({
  object: literal("user"),
  id: isString,
  email: isString,
  emailVerified: isBoolean,
  firstName: isNullableString,
  lastName: isNullableString,
  metadata: isStringRecord,
  ...timestamps,
});

const membershipFields = {
  object: literal("membership"),
  id: isString,
  organizationId: isString,
  userId: isString,
  role: isString,
  status: oneOf("active", "pending"),
  ...timestamps,
};

export const parseMembership: Parser<Membership> = objectOf<Membership>(membershipFields);

export const parseUserMembership: Parser<UserMembership> = objectOf<UserMembership>({
  ...membershipFields,
  organization: nested(objectOf({ id: isString, name: isString, slug: isString })),
});

export const parseSessionRecord: Parser<SessionRecord> = objectOf<SessionRecord>({
  object: literal("session"),
  id: isString,
  userId: isString,
  organizationId: isNullableString,
  status: oneOf("active", "revoked", "expired"),
  createdAt: isString,
  lastActiveAt: isString,
  expiresAt: isString,
});
