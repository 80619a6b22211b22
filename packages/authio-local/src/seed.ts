import { readFileSync } from "node:fs";
import type { Store } from "./db/store.js";
import { type ErrorDetail, validationError } from "./errors.js";
import { isDomain, isEmail, isMetadata, isNonBlankString, isSlug } from "./validation.js";

/**
 * The seed format: plain JSON, applied at start (and by `POST /v1/_local/seed`). Applying a seed twice is
 * harmless: users are matched by email, organizations by slug, memberships by (organization, user).
 * Fixed ids are optional; they let a demo or a test refer to `user_alice` without looking it up.
 */
export interface Seed {
  users?: {
    id?: string | undefined;
    email: string;
    firstName?: string | null | undefined;
    lastName?: string | null | undefined;
    emailVerified?: boolean | undefined;
    metadata?: Record<string, string> | undefined;
  }[];
  organizations?: {
    id?: string | undefined;
    name: string;
    slug: string;
    domain?: string | null | undefined;
    metadata?: Record<string, string> | undefined;
  }[];
  memberships?: {
    /** A user id or email. */
    user: string;
    /** An organization id or slug. */
    organization: string;
    role?: string | undefined;
  }[];
}

export interface SeedResult {
  users: Record<string, string>;
  organizations: Record<string, string>;
}

export function loadSeedFile(path: string): Seed {
  return JSON.parse(readFileSync(path, "utf8")) as Seed;
}

function check(details: ErrorDetail[], problem: ErrorDetail | null): void {
  if (problem) details.push(problem);
}

/** Validates the whole seed first, then applies it in one transaction (all or nothing). */
export function applySeed(store: Store, seed: Seed): SeedResult {
  const details: ErrorDetail[] = [];
  if (typeof seed !== "object" || seed === null) {
    throw validationError([{ field: "seed", code: "invalid_type", message: "must be an object" }]);
  }
  for (const key of Object.keys(seed)) {
    if (!["users", "organizations", "memberships"].includes(key)) {
      details.push({ field: key, code: "unknown_field", message: "is not a known seed section" });
    }
  }
  const users = seed.users ?? [];
  const orgs = seed.organizations ?? [];
  const members = seed.memberships ?? [];
  users.forEach((u, i) => {
    check(details, isEmail(u.email, `users[${i}].email`));
    if (u.id !== undefined && !/^user_[A-Za-z0-9_-]{1,64}$/.test(u.id)) {
      details.push({ field: `users[${i}].id`, code: "invalid", message: "must look like user_…" });
    }
    if (u.metadata !== undefined) check(details, isMetadata(u.metadata, `users[${i}].metadata`));
  });
  orgs.forEach((o, i) => {
    check(details, isNonBlankString()(o.name, `organizations[${i}].name`));
    check(details, isSlug(o.slug, `organizations[${i}].slug`));
    if (o.domain != null) check(details, isDomain(o.domain, `organizations[${i}].domain`));
    if (o.id !== undefined && !/^org_[A-Za-z0-9_-]{1,64}$/.test(o.id)) {
      details.push({ field: `organizations[${i}].id`, code: "invalid", message: "must look like org_…" });
    }
    if (o.metadata !== undefined) check(details, isMetadata(o.metadata, `organizations[${i}].metadata`));
  });
  members.forEach((m, i) => {
    if (typeof m.user !== "string")
      details.push({ field: `memberships[${i}].user`, code: "required", message: "is required" });
    if (typeof m.organization !== "string") {
      details.push({ field: `memberships[${i}].organization`, code: "required", message: "is required" });
    }
    if (m.role !== undefined && !store.isRole(m.role)) {
      details.push({
        field: `memberships[${i}].role`,
        code: "invalid",
        message: "is not a role of this environment",
      });
    }
  });
  if (details.length > 0) throw validationError(details);

  return store.transaction(() => {
    const result: SeedResult = { users: {}, organizations: {} };
    for (const u of users) {
      const existing = store.findUserByEmail(u.email) ?? (u.id ? store.findUser(u.id) : undefined);
      const user =
        existing ??
        store.createUser({
          ...(u.id ? { id: u.id } : {}),
          email: u.email,
          firstName: u.firstName ?? null,
          lastName: u.lastName ?? null,
          emailVerified: u.emailVerified ?? true,
          metadata: u.metadata ?? {},
        });
      result.users[u.email] = user.id;
    }
    for (const o of orgs) {
      const existing =
        store.findOrganizationBySlug(o.slug) ?? (o.id ? store.findOrganization(o.id) : undefined);
      const org =
        existing ??
        store.createOrganization({
          ...(o.id ? { id: o.id } : {}),
          name: o.name,
          slug: o.slug,
          domain: o.domain ?? null,
          metadata: o.metadata ?? {},
        });
      result.organizations[o.slug] = org.id;
    }
    members.forEach((m, i) => {
      const user = m.user.startsWith("user_") ? store.findUser(m.user) : store.findUserByEmail(m.user);
      const org = m.organization.startsWith("org_")
        ? store.findOrganization(m.organization)
        : store.findOrganizationBySlug(m.organization);
      if (!user || !org) {
        throw validationError([
          {
            field: `memberships[${i}]`,
            code: "invalid",
            message: `names an unknown ${user ? "organization" : "user"}`,
          },
        ]);
      }
      if (!store.findMembership(org.id, user.id)) {
        store.addMembership(org.id, { userId: user.id, role: m.role ?? "member" });
      }
    });
    return result;
  });
}
