import type { Clock } from "./clock.js";
import { prepared } from "./db/database.js";
import type { Session, Store, User } from "./db/store.js";
import { ApiError } from "./errors.js";
import { newSecret } from "./ids.js";
import type { KeyRing } from "./keys.js";
import { mintAccessToken, sha256 } from "./tokens.js";

export interface TokenSettings {
  issuer: string;
  accessTokenTtlSeconds: number;
}

export interface SessionWithTokens {
  session: Session;
  accessToken: string;
  refreshToken: string;
}

const SIGN_IN_CODE_TTL_MS = 60_000;

/** Sessions, their tokens, sign-in codes and refresh-token rotation (API.md §2, §5.4, §5.5). */
export class Auth {
  constructor(
    private readonly store: Store,
    private readonly keys: KeyRing,
    private readonly clock: Clock,
    readonly settings: TokenSettings,
  ) {}

  /** A fresh access token for the session as it is now (organization claims from the current membership). */
  accessTokenFor(session: Session): string {
    let organization: { id: string; role: string; permissions: string[] } | undefined;
    if (session.organizationId) {
      const membership = this.store.findMembership(session.organizationId, session.userId);
      if (membership) {
        organization = {
          id: session.organizationId,
          role: membership.role,
          permissions: this.store.permissionsOf(membership.role),
        };
      }
    }
    return mintAccessToken(this.keys, {
      issuer: this.settings.issuer,
      userId: session.userId,
      sessionId: session.id,
      organization,
      nowSeconds: this.clock.nowSeconds(),
      ttlSeconds: this.settings.accessTokenTtlSeconds,
      actorUserId: this.store.sessionActor(session.id),
    });
  }

  private issueRefreshToken(session: Session): string {
    const token = newSecret("rt_");
    prepared(
      this.store.db,
      "INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
    ).run(sha256(token), session.id, this.clock.nowMs(), Date.parse(session.expiresAt));
    return token;
  }

  /** `POST /v1/sessions` and the programmatic helper: a session and its tokens, no browser involved. */
  createSession(
    userId: string,
    organizationId: string | null,
    actorUserId: string | null = null,
  ): SessionWithTokens {
    return this.store.transaction(() => {
      const session = this.store.createSession(userId, organizationId, actorUserId);
      return {
        session,
        accessToken: this.accessTokenFor(session),
        refreshToken: this.issueRefreshToken(session),
      };
    });
  }

  // ---------------------------------------------------------------- sign-in codes

  createSignInCode(userId: string, organizationId: string | null, redirectUri: string): string {
    const code = newSecret("code_");
    prepared(
      this.store.db,
      "INSERT INTO sign_in_codes (code_hash, user_id, organization_id, redirect_uri, expires_at) VALUES (?, ?, ?, ?, ?)",
    ).run(sha256(code), userId, organizationId, redirectUri, this.clock.nowMs() + SIGN_IN_CODE_TTL_MS);
    return code;
  }

  /** Exchanges a single-use code. Unknown, used and expired codes are all `invalid_code`. */
  authenticate(code: string): SessionWithTokens & { user: User } {
    const invalid = () => new ApiError(400, "invalid_code", "The code is unknown, already used or expired.");
    return this.store.transaction(() => {
      const row = prepared(this.store.db, "SELECT * FROM sign_in_codes WHERE code_hash = ?").get(
        sha256(code),
      ) as
        | {
            code_hash: string;
            user_id: string;
            organization_id: string | null;
            expires_at: number;
            used_at: number | null;
          }
        | undefined;
      const now = this.clock.nowMs();
      if (!row || row.used_at !== null || row.expires_at <= now) throw invalid();
      prepared(this.store.db, "UPDATE sign_in_codes SET used_at = ? WHERE code_hash = ?").run(
        now,
        row.code_hash,
      );
      const user = this.store.findUser(row.user_id);
      if (!user) throw invalid();
      // The membership may have gone since the page issued the code: then the session starts unpivoted.
      const orgId =
        row.organization_id && this.store.findMembership(row.organization_id, user.id)
          ? row.organization_id
          : null;
      return { ...this.createSession(user.id, orgId), user };
    });
  }

  // ---------------------------------------------------------------- refresh

  /**
   * Rotates a refresh token. Each is single-use; presenting a used one again revokes the whole session,
   * after which every token of that session answers `session_inactive`. No grace window: clients share
   * one in-flight refresh instead (the SDK adapters do).
   */
  refresh(refreshToken: string, organizationId: string | undefined): SessionWithTokens {
    type Outcome = { ok: SessionWithTokens } | { error: ApiError };
    const outcome = this.store.transaction((): Outcome => {
      const row = prepared(this.store.db, "SELECT * FROM refresh_tokens WHERE token_hash = ?").get(
        sha256(refreshToken),
      ) as { token_hash: string; session_id: string; expires_at: number; used_at: number | null } | undefined;
      const invalid = new ApiError(401, "invalid_refresh_token", "The refresh token is unknown or expired.");
      if (!row) return { error: invalid };
      const session = this.store.findSession(row.session_id);
      if (!session) return { error: invalid };
      if (session.status === "revoked") {
        return { error: new ApiError(409, "session_inactive", "The session has been revoked.") };
      }
      const now = this.clock.nowMs();
      if (row.used_at !== null) {
        // Reuse means the token leaked (or a client raced itself): the whole session goes. The revocation
        // commits even though the caller gets an error.
        this.store.revokeSession(session.id);
        return {
          error: ApiError.keepingWrites(
            new ApiError(
              401,
              "refresh_token_reused",
              "This refresh token was already used; the session has been revoked.",
            ),
          ),
        };
      }
      if (session.status === "expired" || row.expires_at <= now) return { error: invalid };
      let current = session;
      if (organizationId !== undefined) {
        this.store.requireMembership(session.userId, organizationId);
        current = this.store.pivotSession(session.id, organizationId);
      } else if (
        session.organizationId &&
        !this.store.findMembership(session.organizationId, session.userId)
      ) {
        current = this.store.pivotSession(session.id, null);
      } else {
        current = this.store.touchSession(session.id);
      }
      prepared(this.store.db, "UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ?").run(
        now,
        row.token_hash,
      );
      return {
        ok: {
          session: current,
          accessToken: this.accessTokenFor(current),
          refreshToken: this.issueRefreshToken(current),
        },
      };
    });
    if ("error" in outcome) throw outcome.error;
    return outcome.ok;
  }

  switchOrganization(sessionId: string, organizationId: string): { session: Session; accessToken: string } {
    return this.store.transaction(() => {
      const session = this.store.getSession(sessionId);
      if (session.status !== "active") {
        throw new ApiError(409, "session_inactive", `The session is ${session.status}.`);
      }
      this.store.requireMembership(session.userId, organizationId);
      const pivoted = this.store.pivotSession(sessionId, organizationId);
      return { session: pivoted, accessToken: this.accessTokenFor(pivoted) };
    });
  }
}
