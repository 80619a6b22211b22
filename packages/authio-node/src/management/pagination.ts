import { attachResponse, type ResponseMeta, type WithResponse } from "./request-options.js";
import { isNullableString, literal, objectOf, type Parser, ShapeError } from "./shape.js";

/** Cursors of a list page (API.md §4): `after` is `null` on the last page, `before` on the first. */
export interface ListMetadata {
  readonly before: string | null;
  readonly after: string | null;
}

/** Query parameters every list accepts. */
export interface PaginationParams {
  /** 1–100, default 10. */
  limit?: number | undefined;
  /** The id of an item: the page starts just further along the list than it. */
  after?: string | undefined;
  /** The id of an item: the page ends just before it. */
  before?: string | undefined;
  /** By creation; default `desc` (newest first). */
  order?: "asc" | "desc" | undefined;
}

export interface ListResponse<T> {
  readonly object: "list";
  readonly data: T[];
  readonly listMetadata: ListMetadata;
}

/** Fetches the page at a cursor; the `ListPage` calls it only when iteration needs the next page. */
type FetchPage<T> = (cursor: { after?: string; before?: string }) => Promise<ListPage<T>>;

/**
 * One page of a list: `data` and `listMetadata` as the API sent them, and an async iterable over every
 * item of the list from here on. Iteration walks in the direction the page was fetched — forwards along
 * the list, or backwards (newest-to-oldest reversed) when it was fetched with `before` — and requests the
 * next page only when the loop reaches the end of the current one, so a `break` stops all fetching.
 *
 * ```ts
 * for await (const org of await authio.organizations.list({ limit: 100 })) {
 *   if (org.slug === "acme") break;
 * }
 * ```
 */
export class ListPage<T> implements AsyncIterable<T> {
  readonly object = "list" as const;
  readonly data: T[];
  readonly listMetadata: ListMetadata;
  declare readonly lastResponse: ResponseMeta;
  readonly #fetchPage: FetchPage<T>;
  readonly #backwards: boolean;

  constructor(response: WithResponse<ListResponse<T>>, fetchPage: FetchPage<T>, backwards: boolean) {
    this.data = response.data;
    this.listMetadata = { before: response.listMetadata.before, after: response.listMetadata.after };
    attachResponse(this, response.lastResponse);
    this.#fetchPage = fetchPage;
    this.#backwards = backwards;
  }

  /** Whether there is a page beyond this one in the direction of iteration. */
  hasNextPage(): boolean {
    return (this.#backwards ? this.listMetadata.before : this.listMetadata.after) !== null;
  }

  /** The next page in the direction of iteration, or `null` after the last. */
  async nextPage(): Promise<ListPage<T> | null> {
    if (this.#backwards) {
      const before = this.listMetadata.before;
      return before === null ? null : this.#fetchPage({ before });
    }
    const after = this.listMetadata.after;
    return after === null ? null : this.#fetchPage({ after });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let page: ListPage<T> | null = this;
    while (page) {
      const items = page.#backwards ? [...page.data].reverse() : page.data;
      for (const item of items) yield item;
      page = await page.nextPage();
    }
  }

  /** Every item from here on, following pages (at most `limit` items when given). */
  async toArray(limit = Number.POSITIVE_INFINITY): Promise<T[]> {
    const all: T[] = [];
    if (limit <= 0) return all;
    for await (const item of this) {
      all.push(item);
      if (all.length >= limit) break;
    }
    return all;
  }

  /** The page as the API sent it, without the iteration machinery. */
  toJSON(): ListResponse<T> {
    return { object: "list", data: this.data, listMetadata: this.listMetadata };
  }
}

/** A parser for a list answer whose items each pass `item`. */
export function listOf<T>(item: Parser<T>): Parser<ListResponse<T>> {
  const envelope = objectOf<ListResponse<unknown>>({
    object: literal("list"),
    listMetadata: { parse: objectOf({ before: isNullableString, after: isNullableString }) },
  });
  return (value, path = "body") => {
    const list = envelope(value, path);
    if (!Array.isArray(list.data)) throw new ShapeError(`${path}.data`);
    list.data.forEach((entry, i) => {
      item(entry, `${path}.data[${i}]`);
    });
    return list as ListResponse<T>;
  };
}

/**
 * Lists a path: the first page now, and a `ListPage` that fetches the following ones with the same
 * filters and options. Cursors in `params` decide the direction (`before` walks backwards).
 */
export async function listPages<T>(
  fetchOne: (
    query: Record<string, string | number | boolean | undefined>,
  ) => Promise<WithResponse<ListResponse<T>>>,
  filters: Record<string, string | number | boolean | undefined>,
  params: PaginationParams | undefined,
): Promise<ListPage<T>> {
  const backwards = params?.before !== undefined && params.after === undefined;
  const base = { ...filters, limit: params?.limit, order: params?.order };
  const fetchPage: FetchPage<T> = async (cursor) =>
    new ListPage(await fetchOne({ ...base, ...cursor }), fetchPage, backwards);
  return new ListPage(
    await fetchOne({ ...base, after: params?.after, before: params?.before }),
    fetchPage,
    backwards,
  );
}
