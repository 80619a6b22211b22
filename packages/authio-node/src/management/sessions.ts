import type { Session } from "../session.js";
import type { TokenVerifier, VerifyResult } from "../verify/result.js";
import { parseSessionRecord, parseUser, type SessionRecord, type User } from "./models.js";
import { type ListPage, listOf, listPages, type PaginationParams } from "./pagination.js";
import type { PostRequestOptions, RequestOptions, WithResponse } from "./request-options.js";
import { isString, nested, objectOf, type Parser } from "./shape.js";
import { pathSegment, type Transport } from "./transport.js";

export interface CreateSessionParams {
  userId: string;
  /** Pivot the new session into this organization (`403 not_a_member` unless the user belongs to it). */
  organizationId?: string | undefined;
}

export interface SwitchOrgParams {
  organizationId: string;
}

export interface AuthenticateParams {
  /** The `code` your `redirect_uri` received from the hosted sign-in page: single-use, valid 60 s. */
  code: string;
}

export interface RefreshParams {
  /** Single-use: each refresh answers a new one; presenting a used one again revokes the session. */
  refreshToken: string;
  /** Pivot into this organization while refreshing. */
  organizationId?: string | undefined;
}

export interface CreateSessionResponse {
  readonly session: SessionRecord;
  readonly accessToken: string;
  readonly refreshToken: string;
}

export interface SwitchOrgResponse {
  readonly session: SessionRecord;
  /** A fresh access token carrying the new `org_id`, `role` and `permissions`. */
  readonly accessToken: string;
}

export interface AuthenticateResponse {
  readonly session: SessionRecord;
  readonly user: User;
  readonly accessToken: string;
  readonly refreshToken: string;
}

export type RefreshResponse = CreateSessionResponse;

const session = nested(parseSessionRecord);
const parseCreated: Parser<CreateSessionResponse> = objectOf({
  session,
  accessToken: isString,
  refreshToken: isString,
});
const parseSwitched: Parser<SwitchOrgResponse> = objectOf({ session, accessToken: isString });
const parseAuthenticated: Parser<AuthenticateResponse> = objectOf({
  session,
  user: nested(parseUser),
  accessToken: isString,
  refreshToken: isString,
});
const parseSessionList = listOf(parseSessionRecord);

/** `authio.sessions`: verification of access tokens, and the Management API's sessions. */
export class Sessions {
  readonly #verifier: TokenVerifier;
  readonly #transport: Transport | null;
  constructor(verifier: TokenVerifier, transport: Transport | null = null) {
    this.#verifier = verifier;
    this.#transport = transport;
  }

  /** Verifies an access token: a typed, frozen `Session`, or `null` for any token that is not acceptable. */
  async verify(token: unknown): Promise<Session | null> {
    const result = await this.#verifier.verifyDetailed(token);
    return result.ok ? result.session : null;
  }

  /** Like `verify`, but says why a token was refused (a fixed vocabulary, safe to log). */
  verifyDetailed(token: unknown): Promise<VerifyResult> {
    return this.#verifier.verifyDetailed(token);
  }

  get #api(): Transport {
    if (this.#transport === null)
      throw new TypeError("This Sessions instance has no Management API transport.");
    return this.#transport;
  }

  /** Signs a user in from your server (tests, impersonation, your own sign-in): a session and its tokens. */
  async create(
    params: CreateSessionParams,
    options?: PostRequestOptions,
  ): Promise<WithResponse<CreateSessionResponse>> {
    return this.#api.request({
      method: "POST",
      path: "/v1/sessions",
      body: params,
      parse: parseCreated,
      options,
    });
  }

  async get(sessionId: string, options?: RequestOptions): Promise<WithResponse<SessionRecord>> {
    return this.#api.request({
      method: "GET",
      path: `/v1/sessions/${pathSegment("sessionId", sessionId)}`,
      parse: parseSessionRecord,
      options,
    });
  }

  /** A page of a user's sessions; `for await` over it walks them all. */
  async list(
    userId: string,
    params?: PaginationParams,
    options?: RequestOptions,
  ): Promise<ListPage<SessionRecord>> {
    const path = `/v1/users/${pathSegment("userId", userId)}/sessions`;
    return listPages(
      (query) => this.#api.request({ method: "GET", path, query, parse: parseSessionList, options }),
      {},
      params,
    );
  }

  /**
   * Pivots a session into another organization of its user and answers a fresh access token for it
   * (`403 not_a_member`, `409 session_inactive`).
   */
  async switchOrg(
    sessionId: string,
    params: SwitchOrgParams,
    options?: PostRequestOptions,
  ): Promise<WithResponse<SwitchOrgResponse>> {
    return this.#api.request({
      method: "POST",
      path: `/v1/sessions/${pathSegment("sessionId", sessionId)}/switch-org`,
      body: params,
      parse: parseSwitched,
      options,
    });
  }

  /** Ends a session: its refresh token stops working; access tokens already issued run out within minutes. */
  async revoke(sessionId: string, options?: PostRequestOptions): Promise<WithResponse<SessionRecord>> {
    return this.#api.request({
      method: "POST",
      path: `/v1/sessions/${pathSegment("sessionId", sessionId)}/revoke`,
      body: {},
      parse: parseSessionRecord,
      options,
    });
  }

  /** Exchanges the sign-in `code` of the hosted page's redirect for a session (`400 invalid_code`). */
  async authenticate(
    params: AuthenticateParams,
    options?: PostRequestOptions,
  ): Promise<WithResponse<AuthenticateResponse>> {
    return this.#api.request({
      method: "POST",
      path: "/v1/sessions/authenticate",
      body: params,
      parse: parseAuthenticated,
      options,
    });
  }

  /**
   * Trades a refresh token for a new access token and a new refresh token. Retries are safe: they carry
   * the same idempotency key, so a lost answer is replayed rather than counted as a reuse.
   */
  async refresh(params: RefreshParams, options?: PostRequestOptions): Promise<WithResponse<RefreshResponse>> {
    return this.#api.request({
      method: "POST",
      path: "/v1/sessions/refresh",
      body: params,
      parse: parseCreated,
      options,
    });
  }
}
