// A small stand-in for the part of vitest's API the runtime-portable suites use (describe, test,
// beforeAll, afterAll, expect with the matchers below), so those suites run on Deno unchanged: an
// import map points `vitest` here and `deno-test-runner.mjs` runs what the files register. On Bun,
// `bun test` maps `vitest` to its own runner and this file is not used.

/** @typedef {{ name: string, tests: { name: string, fn: () => unknown }[], children: Suite[], beforeAll: Function[], afterAll: Function[], order: (["test", number] | ["suite", number])[] }} Suite */

/** @returns {Suite} */
const suite = (name) => ({ name, tests: [], children: [], beforeAll: [], afterAll: [], order: [] });

let current = suite("");

export function describe(name, fn) {
  const parent = current;
  const child = suite(name);
  parent.children.push(child);
  parent.order.push(["suite", parent.children.length - 1]);
  current = child;
  try {
    const result = fn();
    if (result && typeof result.then === "function")
      throw new Error("describe callbacks must be synchronous");
  } finally {
    current = parent;
  }
}

export function test(name, fn) {
  current.tests.push({ name, fn });
  current.order.push(["test", current.tests.length - 1]);
}
export const it = test;

export function beforeAll(fn) {
  current.beforeAll.push(fn);
}
export function afterAll(fn) {
  current.afterAll.push(fn);
}

const TEST_TIMEOUT_MS = 60_000;

function withTimeout(promise, label) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${TEST_TIMEOUT_MS} ms: ${label}`)),
      TEST_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Imports one test file into a fresh root suite and runs it: hooks in order, every test once, a
 * failing `beforeAll` fails the tests of its suite. Returns the counts and prints one line per test.
 */
export async function runFile(url, label, log = console.log) {
  const root = suite(label);
  current = root;
  await import(url);
  current = suite("");
  const counts = { passed: 0, failed: 0 };
  await runSuite(root, [label], counts, log);
  return counts;
}

async function runSuite(s, path, counts, log) {
  let setupError = null;
  for (const hook of s.beforeAll) {
    try {
      await withTimeout(Promise.resolve().then(hook), `${path.join(" > ")} beforeAll`);
    } catch (error) {
      setupError = error;
      break;
    }
  }
  for (const [kind, index] of s.order) {
    if (kind === "suite") {
      const child = s.children[index];
      if (setupError) countFailures(child, [...path, child.name], counts, log, setupError);
      else await runSuite(child, [...path, child.name], counts, log);
      continue;
    }
    const t = s.tests[index];
    const name = [...path, t.name].join(" > ");
    if (setupError) {
      counts.failed++;
      log(`FAIL ${name}\n     beforeAll failed: ${describeError(setupError)}`);
      continue;
    }
    try {
      await withTimeout(Promise.resolve().then(t.fn), name);
      counts.passed++;
      log(`ok   ${name}`);
    } catch (error) {
      counts.failed++;
      log(`FAIL ${name}\n     ${describeError(error)}`);
    }
  }
  for (const hook of s.afterAll) {
    try {
      await withTimeout(Promise.resolve().then(hook), `${path.join(" > ")} afterAll`);
    } catch (error) {
      counts.failed++;
      log(`FAIL ${path.join(" > ")} afterAll\n     ${describeError(error)}`);
    }
  }
}

function countFailures(s, path, counts, log, error) {
  for (const t of s.tests) {
    counts.failed++;
    log(`FAIL ${[...path, t.name].join(" > ")}\n     beforeAll failed: ${describeError(error)}`);
  }
  for (const child of s.children) countFailures(child, [...path, child.name], counts, log, error);
}

function describeError(error) {
  return error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error);
}

// ── expect ────────────────────────────────────────────────────────────────────────────────────────

class AssertionError extends Error {
  name = "AssertionError";
}

const show = (value) => {
  try {
    return typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
};

/** vitest's `toEqual`: recursive, ignores members whose value is undefined. */
function equals(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (Array.isArray(a)) {
    if (a.length !== b.length) return false;
    return a.every((item, i) => equals(item, b[i]));
  }
  const keys = (o) => Object.keys(o).filter((k) => o[k] !== undefined);
  const ka = keys(a);
  const kb = keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && equals(a[k], b[k]));
}

/** vitest's toMatchObject: every property of `expected` (recursively) is in `actual`; arrays match item by item. */
function matchesObject(actual, expected) {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => matchesObject(actual[i], item))
    );
  }
  if (typeof expected === "object" && expected !== null && !(expected instanceof Date)) {
    if (typeof actual !== "object" || actual === null) return false;
    return Object.keys(expected).every((k) => k in actual && matchesObject(actual[k], expected[k]));
  }
  return equals(actual, expected);
}

export function expect(actual, message) {
  const make = (negate) => {
    const check = (pass, text) => {
      if (pass === negate) {
        throw new AssertionError(
          `${message ? `${message}: ` : ""}expected ${show(actual)} ${negate ? "not " : ""}${text}`,
        );
      }
    };
    const matchers = {
      toBe: (expected) => check(Object.is(actual, expected), `to be ${show(expected)}`),
      toEqual: (expected) => check(equals(actual, expected), `to equal ${show(expected)}`),
      toBeNull: () => check(actual === null, "to be null"),
      toBeUndefined: () => check(actual === undefined, "to be undefined"),
      toBeDefined: () => check(actual !== undefined, "to be defined"),
      toBeGreaterThan: (n) => check(actual > n, `to be greater than ${n}`),
      toBeGreaterThanOrEqual: (n) => check(actual >= n, `to be greater than or equal to ${n}`),
      toBeLessThan: (n) => check(actual < n, `to be less than ${n}`),
      toBeLessThanOrEqual: (n) => check(actual <= n, `to be less than or equal to ${n}`),
      toBeInstanceOf: (ctor) => check(actual instanceof ctor, `to be an instance of ${ctor?.name}`),
      toContain: (item) => check(actual?.includes(item) === true, `to contain ${show(item)}`),
      toHaveLength: (n) => check(actual != null && actual.length === n, `to have length ${n}`),
      toMatch: (pattern) =>
        check(
          typeof actual === "string" &&
            (typeof pattern === "string" ? actual.includes(pattern) : pattern.test(actual)),
          `to match ${show(pattern)}`,
        ),
      toMatchObject: (expected) =>
        check(matchesObject(actual, expected), `to match object ${show(expected)}`),
      toThrow: () => {
        let threw = false;
        try {
          actual();
        } catch {
          threw = true;
        }
        check(threw, "to throw");
      },
    };
    return matchers;
  };
  const positive = make(false);
  positive.not = make(true);
  return positive;
}
