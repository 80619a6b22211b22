/**
 * Just enough validation of the API's answers that a wrong-shaped body fails here, as an
 * `invalid_response` naming the field, instead of as a `TypeError` somewhere in the caller's code later.
 * Fields the SDK does not know are kept: the API may add fields without a new SDK.
 */

/** Thrown by a parser; the transport turns it into an `AuthioError` with code `invalid_response`. */
export class ShapeError extends Error {
  constructor(readonly path: string) {
    super(`unexpected value at ${path}`);
  }
}

export type Parser<T> = (value: unknown, path?: string) => T;
type Check = (value: unknown) => boolean;

export const isString: Check = (v) => typeof v === "string";
export const isNullableString: Check = (v) => v === null || typeof v === "string";
export const isBoolean: Check = (v) => typeof v === "boolean";
export const isStringRecord: Check = (v) =>
  isPlainObject(v) && Object.values(v).every((x) => typeof x === "string");
export const oneOf =
  (...values: string[]): Check =>
  (v) =>
    typeof v === "string" && values.includes(v);
export const literal =
  (value: string): Check =>
  (v) =>
    v === value;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A parser for an object whose listed fields must pass their check (or nested parser). */
export function objectOf<T>(fields: Record<string, Check | { parse: Parser<unknown> }>): Parser<T> {
  return (value, path = "body") => {
    if (!isPlainObject(value)) throw new ShapeError(path);
    for (const [key, rule] of Object.entries(fields)) {
      const field = value[key];
      if (typeof rule === "function") {
        if (!rule(field)) throw new ShapeError(`${path}.${key}`);
      } else {
        rule.parse(field, `${path}.${key}`);
      }
    }
    return value as T;
  };
}

/** Marks a parser as a nested field rule of `objectOf`. */
export function nested(parse: Parser<unknown>): { parse: Parser<unknown> } {
  return { parse };
}
