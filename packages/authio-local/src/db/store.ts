import type { Clock } from "../clock.js";
import { ApiError, notFound } from "../errors.js";
import { newId } from "../ids.js";
import type { ListQuery } from "../validation.js";
import { type Db, prepared } from "./database.js";
import { type ListPage, paginate } from "./pagination.js";

export interface Organization {
  object: "organization";
  id: string;
  name: string;
  slug: string;
  domain: string | null;
  metadata: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export interface User {
  object: "user";
  id: string;
  email: string;
  emailVerified: boolean;
  firstName: string | null;
  lastName: string | null;
  metadata: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export interface Membership {
  object: "membership";
  id: string;
  organizationId: string;
  userId: string;
  role: string;
  status: "active" | "pending";
  createdAt: string;
  updatedAt: string;
}

export interface UserMembership extends Membership {
  organization: { id: string; name: string; slug: string };
}

export interface Session {
  object: "session";
  id: string;
  userId: string;
  organizationId: string | null;
  status: "active" | "revoked" | "expired";
  createdAt: string;
  lastActiveAt: string;
  expiresAt: string;
}

interface OrgRow {
  id: string;
  name: string;
  slug: string;
  domain: string | null;
  metadata: string;
  created_at: string;
  updated_at: string;
}
interface UserRow {
  id: string;
  email: string;
  email_verified: number;
  first_name: string | null;
  last_name: string | null;
  metadata: string;
  created_at: string;
  updated_at: string;
}
interface MembershipRow {
  id: string;
  organization_id: string;
  user_id: string;
  role: string;
  status: "active" | "pending";
  created_at: string;
  updated_at: string;
}
interface SessionRow {
  id: string;
  user_id: string;
  organization_id: string | null;
  revoked: number;
  created_at: string;
  last_active_at: string;
  expires_at: string;
}

export type WebhookEventType =
  | "user.created"
  | "user.updated"
  | "user.deleted"
  | "organization.created"
  | "organization.updated"
  | "organization.deleted"
  | "membership.created"
  | "membership.updated"
  | "membership.deleted"
  | "session.created"
  | "session.revoked";

/**
 * Maps SQLite's unique-index failures to the contract's 409 codes. Uniqueness is the database's job: two
 * concurrent creates of one slug cannot both pass a check-then-insert race, because there is none.
 */
function uniqueViolation(error: unknown): ApiError | null {
  const e = error as { code?: string; message?: string };
  if (e?.code !== "SQLITE_CONSTRAINT_UNIQUE") return null;
  const message = e.message ?? "";
  if (message.includes("organizations.slug") || message.includes("organizations_slug_unique"))
    return new ApiError(409, "slug_in_use", "An organization with this slug already exists.");
  if (message.includes("organizations.domain") || message.includes("organizations_domain_unique"))
    return new ApiError(409, "domain_in_use", "An organization with this domain already exists.");
  if (message.includes("users_email_unique"))
    return new ApiError(409, "email_in_use", "A user with this email already exists.");
  if (message.includes("memberships_org_user_unique") || message.includes("memberships.organization_id"))
    return new ApiError(409, "already_member", "This user is already a member of this organization.");
  return null;
}

function withUniqueness<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw uniqueViolation(error) ?? error;
  }
}

export interface StoreOptions {
  /** Role name → permissions. */
  roles: Record<string, string[]>;
  /** Where webhook events go; one delivery row per URL per event. */
  webhookUrls: () => readonly string[];
  sessionTtlSeconds: number;
  /** Called after a transaction wrote webhook deliveries, so the worker can wake up. */
  onEvent?: () => void;
}

/** Every read and write of the environment's resources. Synchronous, like better-sqlite3. */
export class Store {
  constructor(
    readonly db: Db,
    private readonly clock: Clock,
    readonly options: StoreOptions,
  ) {}

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // ------------------------------------------------------------------ events (webhook outbox)

  private emit(type: WebhookEventType, data: unknown): void {
    const urls = this.options.webhookUrls();
    if (urls.length === 0) return;
    const nowMs = this.clock.nowMs();
    const id = newId("evt", nowMs);
    const createdAt = this.clock.iso(nowMs);
    prepared(this.db, "INSERT INTO webhook_events (id, type, payload, created_at) VALUES (?, ?, ?, ?)").run(
      id,
      type,
      JSON.stringify({ id, type, createdAt, data }),
      createdAt,
    );
    const insert = prepared(
      this.db,
      "INSERT INTO webhook_deliveries (event_id, url, next_attempt_at) VALUES (?, ?, ?)",
    );
    for (const url of urls) insert.run(id, url, nowMs);
    this.options.onEvent?.();
  }

  // ------------------------------------------------------------------ organizations

  private toOrganization(row: OrgRow): Organization {
    return {
      object: "organization",
      id: row.id,
      name: row.name,
      slug: row.slug,
      domain: row.domain,
      metadata: JSON.parse(row.metadata) as Record<string, string>,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  findOrganization(id: string): Organization | undefined {
    const row = prepared(this.db, "SELECT * FROM organizations WHERE id = ?").get(id) as OrgRow | undefined;
    return row && this.toOrganization(row);
  }

  getOrganization(id: string): Organization {
    const org = this.findOrganization(id);
    if (!org) throw notFound("organization");
    return org;
  }

  findOrganizationBySlug(slug: string): Organization | undefined {
    const row = prepared(this.db, "SELECT * FROM organizations WHERE slug = ?").get(slug) as
      | OrgRow
      | undefined;
    return row && this.toOrganization(row);
  }

  createOrganization(input: {
    id?: string;
    name: string;
    slug: string;
    domain?: string | null;
    metadata?: Record<string, string>;
  }): Organization {
    return this.transaction(() => {
      const now = this.clock.iso();
      const row: OrgRow = {
        id: input.id ?? newId("org"),
        name: input.name,
        slug: input.slug,
        domain: input.domain ? input.domain.toLowerCase() : null,
        metadata: JSON.stringify(input.metadata ?? {}),
        created_at: now,
        updated_at: now,
      };
      withUniqueness(() =>
        prepared(
          this.db,
          "INSERT INTO organizations (id, name, slug, domain, metadata, created_at, updated_at) VALUES (@id, @name, @slug, @domain, @metadata, @created_at, @updated_at)",
        ).run(row),
      );
      const org = this.toOrganization(row);
      this.emit("organization.created", org);
      return org;
    });
  }

  updateOrganization(
    id: string,
    patch: { name?: string; slug?: string; domain?: string | null; metadata?: Record<string, string> },
  ): Organization {
    return this.transaction(() => {
      const current = this.getOrganization(id);
      const next = {
        name: patch.name ?? current.name,
        slug: patch.slug ?? current.slug,
        domain: patch.domain === undefined ? current.domain : (patch.domain?.toLowerCase() ?? null),
        metadata: JSON.stringify(patch.metadata ?? current.metadata),
        updated_at: this.clock.iso(),
        id,
      };
      withUniqueness(() =>
        prepared(
          this.db,
          "UPDATE organizations SET name = @name, slug = @slug, domain = @domain, metadata = @metadata, updated_at = @updated_at WHERE id = @id",
        ).run(next),
      );
      const org = this.getOrganization(id);
      this.emit("organization.updated", org);
      return org;
    });
  }

  /** Memberships go with the organization (FK cascade); sessions pivoted into it keep going, unpivoted. */
  deleteOrganization(id: string): void {
    this.transaction(() => {
      const org = this.getOrganization(id);
      const members = prepared(this.db, "SELECT * FROM memberships WHERE organization_id = ?").all(
        id,
      ) as MembershipRow[];
      prepared(this.db, "UPDATE sessions SET organization_id = NULL WHERE organization_id = ?").run(id);
      prepared(this.db, "DELETE FROM organizations WHERE id = ?").run(id);
      for (const m of members) this.emit("membership.deleted", this.toMembership(m));
      this.emit("organization.deleted", org);
    });
  }

  listOrganizations(query: ListQuery, filters: { slug?: string; domain?: string }): ListPage<Organization> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filters.slug !== undefined) {
      where.push("t.slug = ?");
      params.push(filters.slug);
    }
    if (filters.domain !== undefined) {
      where.push("t.domain = ?");
      params.push(filters.domain.toLowerCase());
    }
    const spec =
      where.length > 0
        ? { table: "organizations", where: where.join(" AND "), params }
        : { table: "organizations" };
    return paginate<OrgRow, Organization>(this.db, spec, query, (row) => this.toOrganization(row));
  }

  // ------------------------------------------------------------------ users

  private toUser(row: UserRow): User {
    return {
      object: "user",
      id: row.id,
      email: row.email,
      emailVerified: row.email_verified === 1,
      firstName: row.first_name,
      lastName: row.last_name,
      metadata: JSON.parse(row.metadata) as Record<string, string>,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  findUser(id: string): User | undefined {
    const row = prepared(this.db, "SELECT * FROM users WHERE id = ?").get(id) as UserRow | undefined;
    return row && this.toUser(row);
  }

  getUser(id: string): User {
    const user = this.findUser(id);
    if (!user) throw notFound("user");
    return user;
  }

  findUserByEmail(email: string): User | undefined {
    const row = prepared(this.db, "SELECT * FROM users WHERE lower(email) = lower(?)").get(email) as
      | UserRow
      | undefined;
    return row && this.toUser(row);
  }

  createUser(input: {
    id?: string;
    email: string;
    firstName?: string | null;
    lastName?: string | null;
    emailVerified?: boolean;
    metadata?: Record<string, string>;
  }): User {
    return this.transaction(() => {
      const now = this.clock.iso();
      const row: UserRow = {
        id: input.id ?? newId("user"),
        email: input.email,
        email_verified: input.emailVerified ? 1 : 0,
        first_name: input.firstName ?? null,
        last_name: input.lastName ?? null,
        metadata: JSON.stringify(input.metadata ?? {}),
        created_at: now,
        updated_at: now,
      };
      withUniqueness(() =>
        prepared(
          this.db,
          "INSERT INTO users (id, email, email_verified, first_name, last_name, metadata, created_at, updated_at) VALUES (@id, @email, @email_verified, @first_name, @last_name, @metadata, @created_at, @updated_at)",
        ).run(row),
      );
      const user = this.toUser(row);
      this.emit("user.created", user);
      return user;
    });
  }

  updateUser(
    id: string,
    patch: {
      email?: string;
      firstName?: string | null;
      lastName?: string | null;
      emailVerified?: boolean;
      metadata?: Record<string, string>;
    },
  ): User {
    return this.transaction(() => {
      const current = this.getUser(id);
      const next = {
        id,
        email: patch.email ?? current.email,
        email_verified: (patch.emailVerified ?? current.emailVerified) ? 1 : 0,
        first_name: patch.firstName === undefined ? current.firstName : patch.firstName,
        last_name: patch.lastName === undefined ? current.lastName : patch.lastName,
        metadata: JSON.stringify(patch.metadata ?? current.metadata),
        updated_at: this.clock.iso(),
      };
      withUniqueness(() =>
        prepared(
          this.db,
          "UPDATE users SET email = @email, email_verified = @email_verified, first_name = @first_name, last_name = @last_name, metadata = @metadata, updated_at = @updated_at WHERE id = @id",
        ).run(next),
      );
      const user = this.getUser(id);
      this.emit("user.updated", user);
      return user;
    });
  }

  /** Memberships go with the user; the user's sessions are revoked (and their refresh tokens die with them). */
  deleteUser(id: string): void {
    this.transaction(() => {
      const user = this.getUser(id);
      const members = prepared(this.db, "SELECT * FROM memberships WHERE user_id = ?").all(
        id,
      ) as MembershipRow[];
      const active = prepared(
        this.db,
        "SELECT id FROM sessions WHERE user_id = ? AND revoked = 0 AND expires_at > ?",
      ).all(id, this.clock.iso()) as { id: string }[];
      prepared(this.db, "UPDATE sessions SET revoked = 1 WHERE user_id = ?").run(id);
      prepared(this.db, "DELETE FROM users WHERE id = ?").run(id);
      for (const s of active) this.emit("session.revoked", this.getSession(s.id));
      for (const m of members) this.emit("membership.deleted", this.toMembership(m));
      this.emit("user.deleted", user);
    });
  }

  listUsers(query: ListQuery, filters: { email?: string }): ListPage<User> {
    const spec =
      filters.email !== undefined
        ? { table: "users", where: "lower(t.email) = lower(?)", params: [filters.email] }
        : { table: "users" };
    return paginate<UserRow, User>(this.db, spec, query, (row) => this.toUser(row));
  }

  // ------------------------------------------------------------------ roles and memberships

  permissionsOf(role: string): string[] {
    return this.options.roles[role] ?? [];
  }

  isRole(role: string): boolean {
    return Object.hasOwn(this.options.roles, role);
  }

  private toMembership(row: MembershipRow): Membership {
    return {
      object: "membership",
      id: row.id,
      organizationId: row.organization_id,
      userId: row.user_id,
      role: row.role,
      status: row.status,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  findMembership(organizationId: string, userId: string): Membership | undefined {
    const row = prepared(this.db, "SELECT * FROM memberships WHERE organization_id = ? AND user_id = ?").get(
      organizationId,
      userId,
    ) as MembershipRow | undefined;
    return row && this.toMembership(row);
  }

  addMembership(organizationId: string, input: { userId: string; role: string; id?: string }): Membership {
    return this.transaction(() => {
      this.getOrganization(organizationId);
      this.getUser(input.userId);
      const now = this.clock.iso();
      const row: MembershipRow = {
        id: input.id ?? newId("om"),
        organization_id: organizationId,
        user_id: input.userId,
        role: input.role,
        status: "active",
        created_at: now,
        updated_at: now,
      };
      withUniqueness(() =>
        prepared(
          this.db,
          "INSERT INTO memberships (id, organization_id, user_id, role, status, created_at, updated_at) VALUES (@id, @organization_id, @user_id, @role, @status, @created_at, @updated_at)",
        ).run(row),
      );
      const membership = this.toMembership(row);
      this.emit("membership.created", membership);
      return membership;
    });
  }

  updateMembership(organizationId: string, userId: string, patch: { role: string }): Membership {
    return this.transaction(() => {
      this.getOrganization(organizationId);
      if (!this.findMembership(organizationId, userId)) throw notFound("membership");
      prepared(
        this.db,
        "UPDATE memberships SET role = ?, updated_at = ? WHERE organization_id = ? AND user_id = ?",
      ).run(patch.role, this.clock.iso(), organizationId, userId);
      const membership = this.findMembership(organizationId, userId)!;
      this.emit("membership.updated", membership);
      return membership;
    });
  }

  /** The user's sessions pivoted into the organization lose it, as when the organization is deleted. */
  removeMembership(organizationId: string, userId: string): void {
    this.transaction(() => {
      this.getOrganization(organizationId);
      const membership = this.findMembership(organizationId, userId);
      if (!membership) throw notFound("membership");
      prepared(this.db, "DELETE FROM memberships WHERE id = ?").run(membership.id);
      prepared(
        this.db,
        "UPDATE sessions SET organization_id = NULL WHERE organization_id = ? AND user_id = ?",
      ).run(organizationId, userId);
      this.emit("membership.deleted", membership);
    });
  }

  listMemberships(organizationId: string, query: ListQuery): ListPage<Membership> {
    this.getOrganization(organizationId);
    return paginate<MembershipRow, Membership>(
      this.db,
      { table: "memberships", where: "t.organization_id = ?", params: [organizationId] },
      query,
      (row) => this.toMembership(row),
    );
  }

  listUserMemberships(userId: string, query: ListQuery): ListPage<UserMembership> {
    this.getUser(userId);
    return paginate<MembershipRow & { org_name: string; org_slug: string }, UserMembership>(
      this.db,
      {
        table: "memberships",
        from: "memberships t JOIN organizations o ON o.id = t.organization_id",
        select: "t.*, o.name AS org_name, o.slug AS org_slug",
        where: "t.user_id = ?",
        params: [userId],
      },
      query,
      (row) => ({
        ...this.toMembership(row),
        organization: { id: row.organization_id, name: row.org_name, slug: row.org_slug },
      }),
    );
  }

  /** Every membership of a user, oldest first (for the sign-in page; bounded by the caller). */
  allUserMemberships(userId: string, limit = 100): UserMembership[] {
    return this.listUserMemberships(userId, { limit, after: null, before: null, order: "asc" }).data;
  }

  // ------------------------------------------------------------------ sessions

  private toSession(row: SessionRow): Session {
    const expired = row.expires_at <= this.clock.iso();
    return {
      object: "session",
      id: row.id,
      userId: row.user_id,
      organizationId: row.organization_id,
      status: row.revoked ? "revoked" : expired ? "expired" : "active",
      createdAt: row.created_at,
      lastActiveAt: row.last_active_at,
      expiresAt: row.expires_at,
    };
  }

  findSession(id: string): Session | undefined {
    const row = prepared(this.db, "SELECT * FROM sessions WHERE id = ?").get(id) as SessionRow | undefined;
    return row && this.toSession(row);
  }

  getSession(id: string): Session {
    const session = this.findSession(id);
    if (!session) throw notFound("session");
    return session;
  }

  /** Checks the user can be pivoted into the organization: 404 for an unknown one, 403 for a non-member. */
  requireMembership(userId: string, organizationId: string): Membership {
    this.getOrganization(organizationId);
    const membership = this.findMembership(organizationId, userId);
    if (membership?.status !== "active") {
      throw new ApiError(403, "not_a_member", "The user is not a member of this organization.");
    }
    return membership;
  }

  createSession(userId: string, organizationId: string | null, actorUserId: string | null = null): Session {
    return this.transaction(() => {
      this.getUser(userId);
      if (actorUserId) this.getUser(actorUserId);
      if (organizationId) this.requireMembership(userId, organizationId);
      const nowMs = this.clock.nowMs();
      const now = this.clock.iso(nowMs);
      const row: SessionRow = {
        id: newId("session", nowMs),
        user_id: userId,
        organization_id: organizationId,
        revoked: 0,
        created_at: now,
        last_active_at: now,
        expires_at: this.clock.iso(nowMs + this.options.sessionTtlSeconds * 1000),
      };
      prepared(
        this.db,
        "INSERT INTO sessions (id, user_id, organization_id, revoked, created_at, last_active_at, expires_at, actor_user_id) VALUES (@id, @user_id, @organization_id, @revoked, @created_at, @last_active_at, @expires_at, @actor_user_id)",
      ).run({ ...row, actor_user_id: actorUserId });
      const session = this.toSession(row);
      this.emit("session.created", session);
      return session;
    });
  }

  /** The impersonating user of a session, if any (not part of the contract's Session object). */
  sessionActor(id: string): string | null {
    const row = prepared(this.db, "SELECT actor_user_id FROM sessions WHERE id = ?").get(id) as
      | { actor_user_id: string | null }
      | undefined;
    return row?.actor_user_id ?? null;
  }

  pivotSession(id: string, organizationId: string | null): Session {
    prepared(this.db, "UPDATE sessions SET organization_id = ?, last_active_at = ? WHERE id = ?").run(
      organizationId,
      this.clock.iso(),
      id,
    );
    return this.getSession(id);
  }

  touchSession(id: string): Session {
    prepared(this.db, "UPDATE sessions SET last_active_at = ? WHERE id = ?").run(this.clock.iso(), id);
    return this.getSession(id);
  }

  /** Revoking twice is harmless and answers the revoked session again (no second event). */
  revokeSession(id: string): Session {
    return this.transaction(() => {
      const session = this.getSession(id);
      if (session.status === "revoked") return session;
      prepared(this.db, "UPDATE sessions SET revoked = 1 WHERE id = ?").run(id);
      const revoked = this.getSession(id);
      this.emit("session.revoked", revoked);
      return revoked;
    });
  }

  listUserSessions(userId: string, query: ListQuery): ListPage<Session> {
    this.getUser(userId);
    return paginate<SessionRow, Session>(
      this.db,
      { table: "sessions", where: "t.user_id = ?", params: [userId] },
      query,
      (row) => this.toSession(row),
    );
  }
}
