import { type AuthDenial, SESSION_RESPONSE_HEADERS } from "@authio/node";

/** The core's denial, sent verbatim. */
export function denialResponse(denial: AuthDenial, method?: string): Response {
  const body = method?.toUpperCase() === "HEAD" ? null : JSON.stringify(denial.body);
  return new Response(body, { status: denial.status, headers: denial.headers });
}

const SESSION_VARY = SESSION_RESPONSE_HEADERS.vary ?? "Authorization, Cookie";

function mergeVary(current: string | null): string {
  if (current === null || current.trim() === "") return SESSION_VARY;
  const tokens = current
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  if (tokens.includes("*")) return current;
  const lower = new Set(tokens.map((t) => t.toLowerCase()));
  for (const name of SESSION_VARY.split(",").map((t) => t.trim())) {
    if (!lower.has(name.toLowerCase())) tokens.push(name);
  }
  return tokens.join(", ");
}

/** Keeps shared caches from storing a response: `private` (or `no-store`) always wins over `public`. */
function privateCacheControl(current: string | null): string {
  if (current === null || current.trim() === "")
    return SESSION_RESPONSE_HEADERS["cache-control"] ?? "private";
  const directives = current
    .split(",")
    .map((d) => d.trim())
    .filter(Boolean);
  if (directives.some((d) => /^(private|no-store)$/i.test(d))) return current;
  return ["private", ...directives.filter((d) => !/^(public|s-maxage\s*=.*)$/i.test(d))].join(", ");
}

function apply(headers: Headers): void {
  headers.set("cache-control", privateCacheControl(headers.get("cache-control")));
  headers.set("vary", mergeVary(headers.get("vary")));
}

/**
 * Marks a response that may depend on the session (`Cache-Control: private`, `Vary: Authorization,
 * Cookie`). A response with immutable headers (`Response.redirect`, a proxied `fetch`) is copied.
 */
export function withSessionHeaders(response: Response): Response {
  try {
    apply(response.headers);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    apply(copy.headers);
    return copy;
  }
}
