/**
 * A minimal browser for lifecycle tests over plain HTTP: one cookie jar per origin, manual redirects,
 * and form submission on the local Authio sign-in page. Real requests, no mocks.
 */
export class TestBrowser {
  readonly #jars = new Map<string, Map<string, string>>();

  /** The cookies this browser holds for an origin. */
  cookies(url: string): Map<string, string> {
    const origin = new URL(url).origin;
    let jar = this.#jars.get(origin);
    if (!jar) {
      jar = new Map();
      this.#jars.set(origin, jar);
    }
    return jar;
  }

  cookieHeader(url: string): string {
    return [...this.cookies(url)].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  /** Sends a request as a browser would: its cookies attached, `Set-Cookie` stored, redirects not followed. */
  async fetch(
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader(url);
    if (cookie && !headers.has("cookie")) headers.set("cookie", cookie);
    const res = await fetch(url, {
      method: init.method ?? "GET",
      headers,
      body: init.body ?? null,
      redirect: "manual",
    });
    this.store(url, res);
    return res;
  }

  store(url: string, res: Response): void {
    const jar = this.cookies(url);
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const maxAge = attrs.map((a) => a.trim().toLowerCase()).find((a) => a.startsWith("max-age="));
      if (maxAge !== undefined && Number(maxAge.slice(8)) <= 0) jar.delete(name);
      else jar.set(name, value);
    }
  }
}

const decode = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** The hidden fields and action of the first form on a page whose markup contains `marker`. */
export function findForm(html: string, marker: string): { action: string; fields: URLSearchParams } | null {
  for (const match of html.matchAll(/<form\b[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)) {
    const [, action = "", inner = ""] = match;
    if (!inner.includes(marker)) continue;
    const fields = new URLSearchParams();
    for (const input of inner.matchAll(
      /<input\b[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g,
    )) {
      fields.append(decode(input[1] ?? ""), decode(input[2] ?? ""));
    }
    return { action: decode(action), fields };
  }
  return null;
}
