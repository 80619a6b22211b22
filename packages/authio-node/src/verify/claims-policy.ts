import type { Session, SessionClaims } from "../session.js";
import { ImmutableDate } from "./immutable-date.js";
import type { VerifyFailureReason } from "./result.js";
import type { JsonObject } from "./strict-json.js";

export interface ClaimRules {
  /** The issuer every token must name exactly (API.md §7: the normalised base URL). */
  readonly issuer: string;
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `iat`. */
  readonly clockTolerance: number;
}

export type ClaimsVerdict =
  | { readonly ok: true; readonly session: Session }
  | { readonly ok: false; readonly reason: VerifyFailureReason };

const fail = (reason: VerifyFailureReason): ClaimsVerdict => ({ ok: false, reason });
const NO_PERMISSIONS: readonly string[] = Object.freeze([]);

/** The largest time a `Date` holds (±8.64e15 ms): a claim beyond it could not become `expiresAt`. */
const MAX_TIME_SECONDS = 8.64e12;
const isTime = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value) && Math.abs(value) <= MAX_TIME_SECONDS;
const isId = (value: unknown): value is string => typeof value === "string" && value !== "";

/**
 * Applies API.md §2's claim rules to the claims of a token whose signature has verified, and builds the
 * frozen `Session`. `now` is in seconds. Types are checked exactly: a numeric string is not a time, a
 * missing `exp` is not "never expires". Only own members are read, so nothing on `Object.prototype`
 * can stand in for a claim.
 */
export function checkClaims(claims: JsonObject, rules: ClaimRules, now: number): ClaimsVerdict {
  const tolerance = rules.clockTolerance;

  const exp = ownMember(claims, "exp");
  const iat = ownMember(claims, "iat");
  const nbf = ownMember(claims, "nbf");
  if (!isTime(exp) || !isTime(iat) || (nbf !== undefined && !isTime(nbf))) return fail("invalid_claims");
  if (ownMember(claims, "iss") !== rules.issuer) return fail("wrong_issuer");
  if (now >= exp + tolerance) return fail("expired");
  if (nbf !== undefined && now < nbf - tolerance) return fail("not_yet_valid");
  if (iat > now + tolerance) return fail("issued_in_future");

  const sub = ownMember(claims, "sub");
  const sid = ownMember(claims, "sid");
  if (!isId(sub) || !isId(sid)) return fail("invalid_claims");

  const orgId = ownMember(claims, "org_id");
  const role = ownMember(claims, "role");
  const permissions = ownMember(claims, "permissions");
  const act = ownMember(claims, "act");
  const jti = ownMember(claims, "jti");
  if (orgId !== undefined && !isId(orgId)) return fail("invalid_claims");
  if (role !== undefined && typeof role !== "string") return fail("invalid_claims");
  if (jti !== undefined && typeof jti !== "string") return fail("invalid_claims");
  if (permissions !== undefined && !isStringArray(permissions)) return fail("invalid_claims");
  let actor: Session["actor"] = null;
  if (act !== undefined) {
    if (act === null || typeof act !== "object" || Array.isArray(act)) return fail("invalid_claims");
    const actSub = Object.hasOwn(act, "sub") ? (act as JsonObject).sub : undefined;
    if (!isId(actSub)) return fail("invalid_claims");
    actor = Object.freeze({ userId: actSub });
  }

  const session: Session = {
    sessionId: sid,
    userId: sub,
    orgId: orgId ?? null,
    // A role only means something inside an organization (API.md §2: present only with org_id).
    role: orgId !== undefined && role !== undefined ? role : null,
    // The parsed array itself, frozen with the claims below: no copy.
    permissions: permissions ?? NO_PERMISSIONS,
    actor,
    issuedAt: new ImmutableDate(iat * 1000),
    expiresAt: new ImmutableDate(exp * 1000),
    claims: deepFreeze(claims) as SessionClaims,
  };
  return { ok: true, session: Object.freeze(session) };
}

function isStringArray(value: unknown): value is readonly string[] {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== "string") return false;
  return true;
}

function ownMember(object: JsonObject, name: string): unknown {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}

/**
 * Freezes parsed JSON in place; its depth is bounded by the strict parser. The parser already
 * freezes bottom-up, so a frozen object here has frozen children and is skipped.
 */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member in value) {
      const child = (value as Record<string, unknown>)[member];
      if (child !== null && typeof child === "object") deepFreeze(child);
    }
  }
  return value;
}
