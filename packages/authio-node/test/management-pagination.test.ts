/**
 * Lists across 250 organizations on the local server: pages and cursors, `for await` forwards and
 * backwards, and that an early `break` stops fetching (requests counted by a fetch that wraps the real one).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Authio, Organization } from "../src/index.ts";
import { clientFor, type LocalAuthio, startLocal } from "./management-local.ts";

let local: LocalAuthio;
let authio: Authio;
let requests: string[] = [];
/** Ids in creation order. */
const created: string[] = [];

beforeAll(async () => {
  local = await startLocal();
  authio = clientFor(local, {
    fetch: (input: string, init: RequestInit) => {
      requests.push(input);
      return fetch(input, init);
    },
  });
  for (let i = 0; i < 250; i++) {
    // Sequential: creation order is the list order.
    const org = await authio.organizations.create({ name: `Page Org ${i}`, slug: `page-org-${i}` });
    created.push(org.id);
  }
  requests = [];
});
afterAll(() => local?.stop());

async function collect(iterable: AsyncIterable<Organization>, stopAfter = Number.POSITIVE_INFINITY) {
  const ids: string[] = [];
  for await (const org of iterable) {
    ids.push(org.id);
    if (ids.length >= stopAfter) break;
  }
  return ids;
}

describe("pagination over 250 organizations", () => {
  test("one page: data, listMetadata and cursors as the API sent them", async () => {
    const page = await authio.organizations.list({ limit: 100, order: "asc" });
    expect(page.object).toBe("list");
    expect(page.data.map((o) => o.id)).toEqual(created.slice(0, 100));
    expect(page.listMetadata).toEqual({ before: null, after: created[99] });
    expect(page.hasNextPage()).toBe(true);
    expect(JSON.parse(JSON.stringify(page))).toEqual({
      object: "list",
      data: JSON.parse(JSON.stringify(page.data)),
      listMetadata: page.listMetadata,
    });
    const next = await page.nextPage();
    expect(next?.data.map((o) => o.id)).toEqual(created.slice(100, 200));
  });

  test("for await walks every item forwards, in order, one request per page", async () => {
    requests = [];
    const ids = await collect(await authio.organizations.list({ limit: 100, order: "asc" }));
    expect(ids).toEqual(created);
    expect(requests).toHaveLength(3);

    requests = [];
    const newestFirst = await collect(await authio.organizations.list({ limit: 30 }));
    expect(newestFirst).toEqual([...created].reverse());
    expect(new Set(newestFirst).size).toBe(250);
    expect(requests).toHaveLength(9);
  });

  test("a page fetched with `before` walks backwards to the start of the list", async () => {
    requests = [];
    const cursor = created[200]!;
    const page = await authio.organizations.list({ limit: 40, order: "asc", before: cursor });
    // The page itself is in list order: the 40 items just before the cursor.
    expect(page.data.map((o) => o.id)).toEqual(created.slice(160, 200));
    const ids = await collect(page);
    expect(ids).toEqual(created.slice(0, 200).reverse());
    expect(requests).toHaveLength(5);

    // The same under the default (descending) order: "before" is towards the newest.
    const desc = await authio.organizations.list({ limit: 40, before: created[50]! });
    expect(desc.data.map((o) => o.id)).toEqual(created.slice(51, 91).reverse());
    expect(await collect(desc)).toEqual(created.slice(51));
  });

  test("an `after` cursor starts further along the list", async () => {
    const ids = await collect(
      await authio.organizations.list({ limit: 100, order: "asc", after: created[9]! }),
    );
    expect(ids).toEqual(created.slice(10));
  });

  test("an early break stops fetching: no page beyond the one the loop ended in", async () => {
    requests = [];
    const ids = await collect(await authio.organizations.list({ limit: 25, order: "asc" }), 30);
    expect(ids).toEqual(created.slice(0, 30));
    expect(requests).toHaveLength(2);

    requests = [];
    const back = await collect(
      await authio.organizations.list({ limit: 25, order: "asc", before: created[249]! }),
      10,
    );
    expect(back).toEqual(created.slice(239, 249).reverse());
    expect(requests).toHaveLength(1);
  });

  test("toArray follows every page; a limit stops it early", async () => {
    requests = [];
    expect(await (await authio.organizations.list({ limit: 100, order: "asc" })).toArray()).toHaveLength(250);
    expect(requests).toHaveLength(3);
    requests = [];
    const first = await (await authio.organizations.list({ limit: 10, order: "asc" })).toArray(15);
    expect(first.map((o) => o.id)).toEqual(created.slice(0, 15));
    expect(requests).toHaveLength(2);
  });

  test("the last page says so", async () => {
    const last = await authio.organizations.list({ limit: 100, order: "asc", after: created[199]! });
    expect(last.data).toHaveLength(50);
    expect(last.listMetadata.after).toBeNull();
    expect(last.hasNextPage()).toBe(false);
    expect(await last.nextPage()).toBeNull();
  });
});
