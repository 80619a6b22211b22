/**
 * JSON for JOSE headers and claims, stricter than `JSON.parse`: the text must be one JSON object whose
 * objects have no duplicate member names (RFC 7515 §5.2 allows refusing them; `JSON.parse` silently
 * keeps the last, so two parsers could read two different tokens), no `__proto__` member (which some
 * merge helpers turn into a prototype change), and a bounded nesting depth.
 */

/** Deeper than anything Authio issues, shallow enough for recursive consumers. */
const MAX_DEPTH = 16;

export type JsonObject = { readonly [member: string]: unknown };

/** Parses `text` as a JSON object, or `null` when it is not acceptable. Never throws. */
export function parseStrictJsonObject(text: string): JsonObject | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  return hasUnsafeMembers(text) ? null : (value as JsonObject);
}

interface Frame {
  readonly names: Set<string> | null; // null for arrays
  expectName: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Scans valid JSON text (it has already been parsed) for duplicate or `__proto__` member names and
 * excess depth. Member names are compared after unescaping, so `"s\u0075b"` duplicates `"sub"`.
 */
function hasUnsafeMembers(text: string): boolean {
  const stack: Frame[] = [];
  let top: Frame | undefined;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      const start = i;
      let escaped = false;
      for (i++; text.charCodeAt(i) !== QUOTE; i++) {
        if (text.charCodeAt(i) === BACKSLASH) {
          escaped = true;
          i++;
        }
      }
      if (top?.names && top.expectName) {
        const name = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
        if (name === "__proto__" || top.names.has(name)) return true;
        top.names.add(name);
        top.expectName = false;
      }
    } else if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      if (stack.length >= MAX_DEPTH) return true;
      top = { names: code === 0x7b ? new Set() : null, expectName: code === 0x7b };
      stack.push(top);
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      stack.pop();
      top = stack[stack.length - 1];
    } else if (code === 0x2c /* , */ && top?.names) {
      top.expectName = true;
    }
  }
  return false;
}
