/**
 * JSON for JOSE headers and claims, stricter than `JSON.parse`: the text must be one JSON object whose
 * objects have no duplicate member names (RFC 7515 §5.2 allows refusing them; `JSON.parse` silently
 * keeps the last, so two parsers could read two different tokens), no `__proto__` member (which some
 * merge helpers turn into a prototype change), and a bounded nesting depth.
 */

/** Deeper than anything Authio issues, shallow enough for recursive consumers. */
const MAX_DEPTH = 16;

export type JsonObject = { readonly [member: string]: unknown };

/** Parses `text` as a deeply frozen JSON object, or `null` when it is not acceptable. Never throws. */
export function parseStrictJsonObject(text: string): JsonObject | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  return hasUnsafeMembers(text, value) ? null : (value as JsonObject);
}

/**
 * Every JSON string token, in order, and whether it is a member name (followed by `:`). Matched left to
 * right, each match consumes a whole string, so a match can never start inside one.
 */
const STRING_TOKEN = /("[^"\\]*(?:\\.[^"\\]*)*")(\s*:)?/g;

/**
 * Whether valid JSON `text` (already parsed into `value`) has a duplicate or `__proto__` member name, or
 * nests deeper than `MAX_DEPTH`. `JSON.parse` keeps one member per distinct name (after unescaping, so
 * `"s\u0075b"` and `"sub"` collapse), hence: the text has duplicates exactly when it holds more
 * member names than the parsed objects hold members. Native regex and a walk of the parsed value, no
 * character loop in JavaScript.
 */
function hasUnsafeMembers(text: string, value: unknown): boolean {
  if (!text.includes("\\")) {
    const members = countMembers(value, 0, null);
    return members < 0 || members !== countPlainMemberNames(text);
  }
  // Escapes present: compare the names themselves, not just their number. Besides duplicates hidden
  // by escaping (`"s\u0075b"` and `"sub"`), this catches a JSON.parse that reads an escaped name as
  // another one — V8 as shipped in Deno 2.9 turns `"\""` into `"\\"` after it has seen the
  // latter in the same position (a test here trips on it).
  const keys: string[] = [];
  if (countMembers(value, 0, keys) < 0) return true;
  const names = memberNames(text);
  if (names.length !== keys.length) return true;
  names.sort();
  keys.sort();
  for (let i = 0; i < names.length; i++) if (names[i] !== keys[i]) return true;
  return false;
}

/**
 * Member names of text without any backslash: no string can contain a quote, so quotes simply
 * alternate opening and closing, and a string is a member name when its closing quote is followed
 * (after optional whitespace) by a colon. Native searches, no regex state.
 */
function countPlainMemberNames(text: string): number {
  let names = 0;
  for (let open = text.indexOf('"'); open !== -1; ) {
    const close = text.indexOf('"', open + 1);
    let next = close + 1;
    while (isJsonSpace(text.charCodeAt(next))) next++;
    if (text.charCodeAt(next) === 0x3a /* : */) names++;
    open = text.indexOf('"', next);
  }
  return names;
}

/** Every member name of valid JSON text, unescaped (each string literal decoded on its own). */
function memberNames(text: string): string[] {
  const names: string[] = [];
  STRING_TOKEN.lastIndex = 0;
  for (let m = STRING_TOKEN.exec(text); m !== null; m = STRING_TOKEN.exec(text)) {
    if (m[2] === undefined) continue;
    const literal = m[1]!;
    names.push(literal.includes("\\") ? (JSON.parse(literal) as string) : literal.slice(1, -1));
  }
  return names;
}

const isJsonSpace = (code: number): boolean =>
  code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;

/**
 * Members of every object in `value` (their names pushed to `keys` when given); -1 for a `__proto__`
 * member or excess depth. Freezes every
 * object and array on the way back up (children before parents), so what the parser returns is
 * deeply immutable without a second walk.
 */
function countMembers(value: unknown, depth: number, keys: string[] | null): number {
  if (value === null || typeof value !== "object") return 0;
  if (depth >= MAX_DEPTH) return -1;
  let total = 0;
  if (Array.isArray(value)) {
    for (const item of value) {
      const n = countMembers(item, depth + 1, keys);
      if (n < 0) return -1;
      total += n;
    }
  } else {
    for (const name in value) {
      if (name === "__proto__") return -1;
      keys?.push(name);
      const n = countMembers((value as Record<string, unknown>)[name], depth + 1, keys);
      if (n < 0) return -1;
      total += n + 1;
    }
  }
  Object.freeze(value);
  return total;
}
