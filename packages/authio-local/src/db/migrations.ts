/**
 * Schema migrations, applied in order inside one transaction each. `PRAGMA user_version` records the
 * last one applied, and `schema_migrations` keeps a human-readable history. Never edit a shipped
 * migration: add the next one.
 */
export const MIGRATIONS: readonly { name: string; sql: string }[] = [
  {
    name: "0001_initial",
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

      CREATE TABLE signing_keys (
        kid TEXT PRIMARY KEY,
        alg TEXT NOT NULL,
        public_jwk TEXT NOT NULL,
        private_jwk TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        -- the key signs from this time on (ms); published as soon as it is created
        activates_at INTEGER NOT NULL,
        -- how long the key stays published after a newer key took over signing (ms)
        retain_ms INTEGER NOT NULL
      );

      CREATE TABLE organizations (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        slug TEXT NOT NULL,
        domain TEXT,
        metadata TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX organizations_slug_unique ON organizations (slug);
      CREATE UNIQUE INDEX organizations_domain_unique ON organizations (domain) WHERE domain IS NOT NULL;

      CREATE TABLE users (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        email TEXT NOT NULL,
        email_verified INTEGER NOT NULL DEFAULT 0,
        first_name TEXT,
        last_name TEXT,
        metadata TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX users_email_unique ON users (lower(email));

      CREATE TABLE memberships (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        role TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX memberships_org_user_unique ON memberships (organization_id, user_id);
      CREATE INDEX memberships_user ON memberships (user_id);

      -- Sessions outlive their user (revoked, kept for audit) and their organization (set to NULL).
      CREATE TABLE sessions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        user_id TEXT NOT NULL,
        organization_id TEXT REFERENCES organizations (id) ON DELETE SET NULL,
        revoked INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        last_active_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
      CREATE INDEX sessions_user ON sessions (user_id);
      CREATE INDEX sessions_org ON sessions (organization_id);

      -- Only hashes of refresh tokens and codes are stored: a stolen database file yields no token.
      CREATE TABLE refresh_tokens (
        token_hash TEXT PRIMARY KEY,
        session_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      );
      CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

      CREATE TABLE sign_in_codes (
        code_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        organization_id TEXT,
        redirect_uri TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      );

      CREATE TABLE idempotency_keys (
        key TEXT PRIMARY KEY,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        status INTEGER NOT NULL,
        response_body TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

      -- The webhook outbox: written in the same transaction as the change it reports.
      CREATE TABLE webhook_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE webhook_deliveries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL REFERENCES webhook_events (id),
        url TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT,
        delivered_at INTEGER
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
    `,
  },
  {
    // The RFC 8693 actor of an impersonated session (API.md §2 `act`): kept so refreshed tokens carry it too.
    name: "0002_session_actor",
    sql: "ALTER TABLE sessions ADD COLUMN actor_user_id TEXT;",
  },
];
