import {
  type Metadata,
  parseSessionRecord,
  parseUser,
  parseUserMembership,
  type SessionRecord,
  type User,
  type UserMembership,
} from "./models.js";
import { type ListPage, listOf, listPages, type PaginationParams } from "./pagination.js";
import {
  attachResponse,
  type PostRequestOptions,
  type RequestOptions,
  type WithResponse,
} from "./request-options.js";
import { pathSegment, type Transport } from "./transport.js";

export interface CreateUserParams {
  email: string;
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
  /** Default `false`. */
  emailVerified?: boolean | undefined;
  metadata?: Metadata | undefined;
}

export interface UpdateUserParams {
  email?: string | undefined;
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
  emailVerified?: boolean | undefined;
  /** Replaces the whole metadata object. */
  metadata?: Metadata | undefined;
}

export interface ListUsersParams extends PaginationParams {
  /** Only the user with this email (case-insensitive). */
  email?: string | undefined;
}

const parseUserList = listOf(parseUser);
const parseUserMembershipList = listOf(parseUserMembership);
const parseSessionList = listOf(parseSessionRecord);

/** `authio.users` (API.md §5.2). */
export class Users {
  readonly #transport: Transport;
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Creates a user: `409 email_in_use` when the email is taken. */
  async create(params: CreateUserParams, options?: PostRequestOptions): Promise<WithResponse<User>> {
    return this.#transport.request({
      method: "POST",
      path: "/v1/users",
      body: params,
      parse: parseUser,
      options,
    });
  }

  async get(userId: string, options?: RequestOptions): Promise<WithResponse<User>> {
    return this.#transport.request({
      method: "GET",
      path: `/v1/users/${pathSegment("userId", userId)}`,
      parse: parseUser,
      options,
    });
  }

  /** A page of users, newest first by default; `for await` over it walks the whole list. */
  async list(params?: ListUsersParams, options?: RequestOptions): Promise<ListPage<User>> {
    return listPages(
      (query) =>
        this.#transport.request({ method: "GET", path: "/v1/users", query, parse: parseUserList, options }),
      { email: params?.email },
      params,
    );
  }

  async update(
    userId: string,
    params: UpdateUserParams,
    options?: RequestOptions,
  ): Promise<WithResponse<User>> {
    return this.#transport.request({
      method: "PATCH",
      path: `/v1/users/${pathSegment("userId", userId)}`,
      body: params,
      parse: parseUser,
      options,
    });
  }

  /** Deletes a user and revokes their sessions. */
  async delete(userId: string, options?: RequestOptions): Promise<void> {
    await this.#transport.request({
      method: "DELETE",
      path: `/v1/users/${pathSegment("userId", userId)}`,
      options,
    });
  }

  /**
   * Every membership of the user, across all pages, each naming its organization: a plain array, as the
   * quickstart shows. `lastResponse` is the last page's answer.
   */
  async listMemberships(userId: string, options?: RequestOptions): Promise<WithResponse<UserMembership[]>> {
    const path = `/v1/users/${pathSegment("userId", userId)}/memberships`;
    const first = await listPages(
      (query) =>
        this.#transport.request({ method: "GET", path, query, parse: parseUserMembershipList, options }),
      {},
      { limit: 100 },
    );
    let lastResponse = first.lastResponse;
    const all: UserMembership[] = [];
    for (let page: ListPage<UserMembership> | null = first; page; page = await page.nextPage()) {
      all.push(...page.data);
      lastResponse = page.lastResponse;
    }
    return attachResponse(all, lastResponse);
  }

  /** A page of the user's sessions (the same as `authio.sessions.list(userId)`). */
  async listSessions(
    userId: string,
    params?: PaginationParams,
    options?: RequestOptions,
  ): Promise<ListPage<SessionRecord>> {
    const path = `/v1/users/${pathSegment("userId", userId)}/sessions`;
    return listPages(
      (query) => this.#transport.request({ method: "GET", path, query, parse: parseSessionList, options }),
      {},
      params,
    );
  }
}
