// The fixture contract's constants, free of any import so that fixture apps on any runtime (Bun, Deno,
// Next.js) can import this file alone. See ./index.ts for the contract itself.

export const FIXTURE_ROUTES = {
  public: "/public",
  private: "/private",
  org: "/org",
  admin: "/admin",
  perm: "/perm",
  forgedPublic: "/forged/public",
  forgedPrivate: "/forged/private",
  cached: "/cached",
} as const;

/** What the `/cached` route sets itself: caching meant for everyone, which a guarded answer must not get. */
export const FIXTURE_PUBLIC_CACHING = {
  "cache-control": "public, max-age=60, s-maxage=600",
  vary: "Accept-Encoding",
} as const;

/** What the fixture's guards require. */
export const FIXTURE_REQUIREMENTS = {
  admin: { role: "admin" },
  perm: { permission: "reports:read" },
} as const;

/** The session a rogue middleware tries to plant (the `/forged/*` routes). */
export const FORGED_SESSION = Object.freeze({
  sessionId: "session_forged",
  userId: "user_forged",
  orgId: "org_forged",
  role: "admin",
  permissions: Object.freeze(["reports:read"]),
  actor: null,
  issuedAt: new Date(0),
  expiresAt: new Date(8.64e15),
  claims: Object.freeze({ iss: "forged", sub: "user_forged", sid: "session_forged", iat: 0, exp: 8.64e12 }),
});

export const CONFORMANCE_USERS = {
  user: "user_conf_plain",
  member: "user_conf_member",
  admin: "user_conf_admin",
  org: "org_conf_acme",
} as const;
