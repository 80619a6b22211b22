import { type Membership, parseMembership } from "./models.js";
import { type ListPage, listOf, listPages, type PaginationParams } from "./pagination.js";
import type { PostRequestOptions, RequestOptions, WithResponse } from "./request-options.js";
import { pathSegment, type Transport } from "./transport.js";

export interface AddMembershipParams {
  userId: string;
  /** Default `member`. */
  role?: string | undefined;
}

export interface UpdateMembershipParams {
  role: string;
}

const parseMembershipList = listOf(parseMembership);

/** `authio.memberships`: who belongs to an organization, with which role (API.md §5.3). */
export class Memberships {
  readonly #transport: Transport;
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  #path(organizationId: string, userId?: string): string {
    const base = `/v1/organizations/${pathSegment("organizationId", organizationId)}/memberships`;
    return userId === undefined ? base : `${base}/${pathSegment("userId", userId)}`;
  }

  /** Adds a user to an organization: `409 already_member`, `404 not_found` for either id. */
  async add(
    organizationId: string,
    params: AddMembershipParams,
    options?: PostRequestOptions,
  ): Promise<WithResponse<Membership>> {
    return this.#transport.request({
      method: "POST",
      path: this.#path(organizationId),
      body: params,
      parse: parseMembership,
      options,
    });
  }

  /** A page of the organization's memberships; `for await` over it walks them all. */
  async list(
    organizationId: string,
    params?: PaginationParams,
    options?: RequestOptions,
  ): Promise<ListPage<Membership>> {
    const path = this.#path(organizationId);
    return listPages(
      (query) => this.#transport.request({ method: "GET", path, query, parse: parseMembershipList, options }),
      {},
      params,
    );
  }

  /** Changes a member's role. */
  async update(
    organizationId: string,
    userId: string,
    params: UpdateMembershipParams,
    options?: RequestOptions,
  ): Promise<WithResponse<Membership>> {
    return this.#transport.request({
      method: "PATCH",
      path: this.#path(organizationId, userId),
      body: params,
      parse: parseMembership,
      options,
    });
  }

  /** Removes a user from an organization; they can be added again later. */
  async remove(organizationId: string, userId: string, options?: RequestOptions): Promise<void> {
    await this.#transport.request({ method: "DELETE", path: this.#path(organizationId, userId), options });
  }
}
