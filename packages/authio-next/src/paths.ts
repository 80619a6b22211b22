/**
 * Path normalisation and matching for the proxy's default-deny decision. The rule throughout: an
 * unusual spelling may only ever make a path *less* public. A path that cannot be read unambiguously
 * is never public.
 */

/**
 * Normalises a URL pathname the way the router will see it: percent-decoded once, empty (`//`) and
 * `.` segments dropped, `..` resolved, no trailing `/`. Returns `null` for a path that must never be
 * matched as public: not starting with `/`, invalid percent-encoding, an encoded `/` or `\` (the router
 * may read it as part of one segment), a backslash or a control character.
 */
export function normalisePath(pathname: string): string | null {
  if (typeof pathname !== "string" || !pathname.startsWith("/")) return null;
  if (/%(2f|5c)/i.test(pathname)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\\\u0000-\u001f\u007f]/.test(decoded)) return null;
  const segments: string[] = [];
  for (const segment of decoded.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  return `/${segments.join("/")}`;
}

/** A compiled route pattern. */
export type PathMatcher = (normalisedPath: string) => boolean;

/**
 * Compiles a pattern: `/sign-in` (exactly that path), `/blog/:slug` (`:name` is one segment),
 * `/docs/*` (a trailing `*` is zero or more segments: `/docs` and everything below it). Literal
 * segments compare case-sensitively, as Next's router does, unless `ignoreCase`.
 */
export function compilePattern(pattern: string, ignoreCase = false): PathMatcher {
  const normalised = normalisePath(pattern);
  if (normalised === null) throw new TypeError(`Invalid route pattern: ${JSON.stringify(pattern)}`);
  const parts = normalised === "/" ? [] : normalised.slice(1).split("/");
  const rest = parts[parts.length - 1] === "*";
  if (rest) parts.pop();
  if (parts.includes("*")) {
    throw new TypeError(`Invalid route pattern ${JSON.stringify(pattern)}: "*" may only end a pattern.`);
  }
  const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  const literal = parts.map((p) => (p.startsWith(":") ? null : fold(p)));
  return (path) => {
    const segments = path === "/" ? [] : path.slice(1).split("/");
    if (rest ? segments.length < literal.length : segments.length !== literal.length) return false;
    return literal.every((want, i) => want === null || want === fold(segments[i] ?? ""));
  };
}

export function compilePatterns(patterns: readonly string[], ignoreCase = false): PathMatcher {
  const matchers = patterns.map((p) => compilePattern(p, ignoreCase));
  return (path) => matchers.some((m) => m(path));
}
