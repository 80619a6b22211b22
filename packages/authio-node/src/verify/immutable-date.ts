/**
 * A `Date` whose setters throw. A verified `Session` is frozen and, through the verified-token cache,
 * shared by every request that presents the same token; `Object.freeze` cannot stop
 * `session.expiresAt.setTime(…)` (a Date keeps its time in an internal slot), so the dates refuse
 * change themselves. Still `instanceof Date`, and serialises like one.
 */
export class ImmutableDate extends Date {
  // Explicit: the implicit derived constructor forwards `...args`, measurably slower in V8.
  constructor(milliseconds: number) {
    super(milliseconds);
  }
}

const SETTERS = [
  "setTime",
  "setMilliseconds",
  "setUTCMilliseconds",
  "setSeconds",
  "setUTCSeconds",
  "setMinutes",
  "setUTCMinutes",
  "setHours",
  "setUTCHours",
  "setDate",
  "setUTCDate",
  "setMonth",
  "setUTCMonth",
  "setFullYear",
  "setUTCFullYear",
  "setYear",
] as const;

for (const name of SETTERS) {
  Object.defineProperty(ImmutableDate.prototype, name, {
    value: function refuse(): never {
      throw new TypeError("A session's dates cannot be changed.");
    },
    writable: false,
    configurable: false,
  });
}
Object.freeze(ImmutableDate.prototype);
