import { invalidRequest } from "../errors.js";
import type { ListQuery } from "../validation.js";
import { type Db, prepared } from "./database.js";

export interface ListPage<T> {
  object: "list";
  data: T[];
  listMetadata: { before: string | null; after: string | null };
}

/**
 * Cursor pagination over a table's insertion sequence. Cursors are item ids and follow the list's own
 * order: `after` moves further along it, `before` moves back, under `asc` as under `desc` (API.md §7).
 *
 * `from` is a FROM clause whose main table is aliased `t` (joins allowed); `where` filters it.
 */
export function paginate<Row extends { id: string }, T>(
  db: Db,
  spec: { table: string; from?: string; select?: string; where?: string; params?: unknown[] },
  query: ListQuery,
  map: (row: Row) => T,
): ListPage<T> {
  const from = spec.from ?? `${spec.table} t`;
  const select = spec.select ?? "t.*";
  const where = spec.where ? [spec.where] : [];
  const params = [...(spec.params ?? [])];
  const cursorId = query.after ?? query.before;
  const backwards = query.before !== null;
  if (cursorId !== null) {
    const cursor = prepared(db, `SELECT seq FROM ${spec.table} WHERE id = ?`).get(cursorId) as
      | { seq: number }
      | undefined;
    if (!cursor) {
      const field = query.after !== null ? "after" : "before";
      throw invalidRequest(`Invalid request: ${field}: no item has this id.`, [
        { field, code: "invalid", message: "is not the id of an item of this list" },
      ]);
    }
    // "Further along" a descending list means a smaller sequence number.
    const further = query.order === "desc" ? "<" : ">";
    const earlier = query.order === "desc" ? ">" : "<";
    where.push(`t.seq ${backwards ? earlier : further} ?`);
    params.push(cursor.seq);
  }
  // Walking backwards reads in the opposite direction, then flips the page back into list order.
  const ascending = (query.order === "asc") !== backwards;
  const sql = `SELECT ${select} FROM ${from} ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY t.seq ${ascending ? "ASC" : "DESC"} LIMIT ?`;
  const rows = prepared(db, sql).all(...params, query.limit + 1) as Row[];
  const more = rows.length > query.limit;
  if (more) rows.pop();
  if (backwards) rows.reverse();
  const first = rows[0];
  const last = rows[rows.length - 1];
  const hasEarlier = backwards ? more : cursorId !== null;
  const hasFurther = backwards ? cursorId !== null : more;
  return {
    object: "list",
    data: rows.map(map),
    listMetadata: {
      before: hasEarlier && first ? first.id : null,
      after: hasFurther && last ? last.id : null,
    },
  };
}
