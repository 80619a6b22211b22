/** The claims of an Authio access token (API.md §2), as verified. */
export interface SessionClaims {
  readonly iss: string;
  readonly sub: string;
  readonly sid: string;
  readonly iat: number;
  readonly exp: number;
  readonly nbf?: number;
  readonly jti?: string;
  readonly org_id?: string;
  readonly role?: string;
  readonly permissions?: readonly string[];
  readonly act?: { readonly sub: string };
  readonly [claim: string]: unknown;
}

/** A verified session. Frozen: nothing downstream can change who the user is. */
export interface Session {
  readonly sessionId: string;
  /** The signed-in user; always set. */
  readonly userId: string;
  /** The organization the session is pivoted into; `null` when none is selected. */
  readonly orgId: string | null;
  /** The user's role in `orgId`; `null` without an organization. */
  readonly role: string | null;
  readonly permissions: readonly string[];
  /** The staff member impersonating the user (RFC 8693 `act`), or `null`. */
  readonly actor: { readonly userId: string } | null;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  /** The token's claims, for anything not lifted above. */
  readonly claims: SessionClaims;
}
