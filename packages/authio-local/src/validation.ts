import { type ErrorDetail, invalidRequest, validationError } from "./errors.js";

/** Fields the server owns: sending one is an error, not silently ignored (API.md §7). */
const READ_ONLY = new Set(["id", "object", "createdAt", "updatedAt", "lastActiveAt", "expiresAt", "status"]);

export type FieldCheck = (value: unknown, field: string) => ErrorDetail | null;

export interface FieldSpec {
  required?: boolean;
  /** `null` is accepted (clears an optional field). */
  nullable?: boolean;
  check: FieldCheck;
}

/**
 * Validates a JSON body against a flat spec, collecting every problem (not just the first) so the caller
 * can fix them all at once. Returns the body narrowed to known fields.
 */
export function parseBody(
  body: unknown,
  spec: Record<string, FieldSpec>,
  options: { readOnly?: readonly string[] } = {},
): Record<string, unknown> {
  if (body === undefined) body = {};
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalidRequest("The request body must be a JSON object.", [
      { field: "body", code: "invalid_type", message: "must be a JSON object" },
    ]);
  }
  const details: ErrorDetail[] = [];
  const input = body as Record<string, unknown>;
  const readOnly = new Set([...READ_ONLY, ...(options.readOnly ?? [])]);
  for (const field of Object.keys(input)) {
    if (field in spec) continue;
    details.push(
      readOnly.has(field)
        ? { field, code: "read_only", message: "is read-only and cannot be set" }
        : { field, code: "unknown_field", message: "is not a known field" },
    );
  }
  const out: Record<string, unknown> = {};
  for (const [field, fieldSpec] of Object.entries(spec)) {
    if (!Object.hasOwn(input, field) || input[field] === undefined) {
      if (fieldSpec.required) details.push({ field, code: "required", message: "is required" });
      continue;
    }
    const value = input[field];
    if (value === null) {
      if (fieldSpec.nullable) out[field] = null;
      else details.push({ field, code: "invalid_type", message: "must not be null" });
      continue;
    }
    const problem = fieldSpec.check(value, field);
    if (problem) details.push(problem);
    else out[field] = value;
  }
  if (details.length > 0) throw validationError(details);
  return out;
}

export const isString =
  (options: { min?: number; max?: number; pattern?: RegExp; patternMessage?: string } = {}): FieldCheck =>
  (value, field) => {
    if (typeof value !== "string") return { field, code: "invalid_type", message: "must be a string" };
    const min = options.min ?? 0;
    const max = options.max ?? 256;
    if (value.length < min)
      return {
        field,
        code: min === 1 ? "required" : "too_short",
        message: min === 1 ? "must not be empty" : `must be at least ${min} characters`,
      };
    if (value.length > max) return { field, code: "too_long", message: `must be at most ${max} characters` };
    if (options.pattern && !options.pattern.test(value)) {
      return { field, code: "invalid", message: options.patternMessage ?? "has an invalid format" };
    }
    return null;
  };

export const isBoolean: FieldCheck = (value, field) =>
  typeof value === "boolean" ? null : { field, code: "invalid_type", message: "must be a boolean" };

export const isNonBlankString =
  (max = 256): FieldCheck =>
  (value, field) => {
    const problem = isString({ min: 1, max })(value, field);
    if (problem) return problem;
    return (value as string).trim() === "" ? { field, code: "required", message: "must not be blank" } : null;
  };

export const SLUG_PATTERN = /^[a-z0-9-]{2,64}$/;
export const isSlug: FieldCheck = isString({
  min: 2,
  max: 64,
  pattern: SLUG_PATTERN,
  patternMessage: "must be 2-64 characters of a-z, 0-9 and -",
});

// A hostname: labels of letters, digits and hyphens, at least one dot, lower case (the server lower-cases it).
const DOMAIN_PATTERN =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;
export const isDomain: FieldCheck = isString({
  min: 1,
  max: 253,
  pattern: DOMAIN_PATTERN,
  patternMessage: "must be a domain name such as example.com",
});

const EMAIL_PATTERN = /^[^\s@"<>()[\],;:\\]+@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/i;
export const isEmail: FieldCheck = isString({
  min: 3,
  max: 320,
  pattern: EMAIL_PATTERN,
  patternMessage: "must be an email address",
});

export const isId =
  (prefix: string): FieldCheck =>
  (value, field) => {
    if (typeof value !== "string") return { field, code: "invalid_type", message: "must be a string" };
    if (!value.startsWith(`${prefix}_`) || value.length > 100) {
      return { field, code: "invalid", message: `must be an id starting with ${prefix}_` };
    }
    return null;
  };

/** Metadata is a flat map of strings, with Stripe's limits: 50 keys, keys up to 40 characters, values up to 500. */
export const isMetadata: FieldCheck = (value, field) => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { field, code: "invalid_type", message: "must be an object of string values" };
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 50) return { field, code: "invalid", message: "may have at most 50 keys" };
  for (const [key, v] of entries) {
    if (key.length === 0 || key.length > 40) {
      return { field: `${field}.${key}`, code: "invalid", message: "keys must be 1-40 characters" };
    }
    if (typeof v !== "string") {
      return { field: `${field}.${key}`, code: "invalid_type", message: "must be a string" };
    }
    if (v.length > 500)
      return { field: `${field}.${key}`, code: "too_long", message: "must be at most 500 characters" };
  }
  return null;
};

// ---------------------------------------------------------------------------------------------------------
// Query strings

export interface ListQuery {
  limit: number;
  after: string | null;
  before: string | null;
  order: "asc" | "desc";
}

/**
 * Parses list parameters plus the given filters. Unknown parameters and out-of-range values are errors,
 * never clamped or ignored (API.md §7).
 */
export function parseListQuery(
  params: URLSearchParams,
  filters: readonly string[] = [],
  allowed: readonly ("limit" | "after" | "before" | "order")[] = ["limit", "after", "before", "order"],
): { list: ListQuery; filters: Record<string, string> } {
  const details: ErrorDetail[] = [];
  const seen = new Set<string>();
  const known = new Set<string>([...allowed, ...filters]);
  for (const key of params.keys()) {
    if (seen.has(key)) {
      details.push({ field: key, code: "invalid", message: "must be given at most once" });
      continue;
    }
    seen.add(key);
    if (!known.has(key))
      details.push({ field: key, code: "unknown_field", message: "is not a known parameter" });
  }
  const list: ListQuery = { limit: 10, after: null, before: null, order: "desc" };
  const limit = params.get("limit");
  if (limit !== null) {
    const n = /^\d+$/.test(limit) ? Number(limit) : Number.NaN;
    if (!Number.isInteger(n) || n < 1 || n > 100) {
      details.push({ field: "limit", code: "out_of_range", message: "must be an integer from 1 to 100" });
    } else list.limit = n;
  }
  const order = params.get("order");
  if (order !== null) {
    if (order === "asc" || order === "desc") list.order = order;
    else details.push({ field: "order", code: "invalid", message: "must be asc or desc" });
  }
  for (const cursor of ["after", "before"] as const) {
    const value = params.get(cursor);
    if (value === null) continue;
    if (value === "" || value.length > 100)
      details.push({ field: cursor, code: "invalid", message: "is not a valid cursor" });
    else list[cursor] = value;
  }
  if (list.after && list.before) {
    details.push({ field: "before", code: "invalid", message: "cannot be combined with after" });
  }
  const filterValues: Record<string, string> = {};
  for (const f of filters) {
    const v = params.get(f);
    if (v === null) continue;
    if (v.length > 320) details.push({ field: f, code: "too_long", message: "is too long" });
    else filterValues[f] = v;
  }
  if (details.length > 0) throw validationError(details);
  return { list, filters: filterValues };
}

/** Rejects any query parameter on endpoints that take none. */
export function rejectQuery(params: URLSearchParams): void {
  const details: ErrorDetail[] = [...new Set(params.keys())].map((field) => ({
    field,
    code: "unknown_field",
    message: "is not a known parameter",
  }));
  if (details.length > 0) throw validationError(details);
}
