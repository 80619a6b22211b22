import { type Metadata, type Organization, parseOrganization } from "./models.js";
import { type ListPage, listOf, listPages, type PaginationParams } from "./pagination.js";
import type { PostRequestOptions, RequestOptions, WithResponse } from "./request-options.js";
import { pathSegment, type Transport } from "./transport.js";

export interface CreateOrganizationParams {
  name: string;
  /** Lower-case `[a-z0-9-]`, 2–64 characters, unique in the environment. */
  slug: string;
  domain?: string | null | undefined;
  metadata?: Metadata | undefined;
}

export interface UpdateOrganizationParams {
  name?: string | undefined;
  slug?: string | undefined;
  /** `null` removes the domain. */
  domain?: string | null | undefined;
  /** Replaces the whole metadata object. */
  metadata?: Metadata | undefined;
}

export interface ListOrganizationsParams extends PaginationParams {
  /** Only the organization with this slug. */
  slug?: string | undefined;
  /** Only the organization with this domain. */
  domain?: string | undefined;
}

const parseOrganizationList = listOf(parseOrganization);

/** `authio.organizations` (API.md §5.1). */
export class Organizations {
  readonly #transport: Transport;
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Creates an organization: `409 slug_in_use` / `domain_in_use` when taken. */
  async create(
    params: CreateOrganizationParams,
    options?: PostRequestOptions,
  ): Promise<WithResponse<Organization>> {
    return this.#transport.request({
      method: "POST",
      path: "/v1/organizations",
      body: params,
      parse: parseOrganization,
      options,
    });
  }

  /** One organization by id: `404 not_found` when there is none. */
  async get(organizationId: string, options?: RequestOptions): Promise<WithResponse<Organization>> {
    return this.#transport.request({
      method: "GET",
      path: `/v1/organizations/${pathSegment("organizationId", organizationId)}`,
      parse: parseOrganization,
      options,
    });
  }

  /** A page of organizations, newest first by default; `for await` over it walks the whole list. */
  async list(params?: ListOrganizationsParams, options?: RequestOptions): Promise<ListPage<Organization>> {
    return listPages(
      (query) =>
        this.#transport.request({
          method: "GET",
          path: "/v1/organizations",
          query,
          parse: parseOrganizationList,
          options,
        }),
      { slug: params?.slug, domain: params?.domain },
      params,
    );
  }

  /** Changes the given fields; the others keep their values. */
  async update(
    organizationId: string,
    params: UpdateOrganizationParams,
    options?: RequestOptions,
  ): Promise<WithResponse<Organization>> {
    return this.#transport.request({
      method: "PATCH",
      path: `/v1/organizations/${pathSegment("organizationId", organizationId)}`,
      body: params,
      parse: parseOrganization,
      options,
    });
  }

  /**
   * Deletes an organization and its memberships; sessions pivoted into it stay active without an
   * organization.
   */
  async delete(organizationId: string, options?: RequestOptions): Promise<void> {
    await this.#transport.request({
      method: "DELETE",
      path: `/v1/organizations/${pathSegment("organizationId", organizationId)}`,
      options,
    });
  }
}
