/**
 * Starts the local Authio server (`@authio/local`, real HTTP and SQLite) for a Management suite, and
 * builds SDK clients pointed at it.
 */
import { type LocalAuthio, type LocalAuthioOptions, startLocalAuthio } from "@authio/local";
import { Authio, type AuthioOptions } from "../src/index.ts";

export type { LocalAuthio };

export async function startLocal(options: LocalAuthioOptions = {}): Promise<LocalAuthio> {
  return startLocalAuthio({ port: 0, db: ":memory:", ...options });
}

/** A client of `local`; small backoffs so that retry paths stay fast in tests. */
export function clientFor(local: { url: string; secretKey: string }, options: AuthioOptions = {}): Authio {
  return new Authio({
    apiKey: local.secretKey,
    apiUrl: local.url,
    retryBaseDelay: 5,
    maxRetryDelay: 50,
    ...options,
  });
}

/** Runs `fn` and returns what it threw (failing the test when it did not throw). */
export async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to throw");
}

let unique = 0;
/** A slug / email fragment unique within the process run. */
export function uid(prefix = "t"): string {
  unique += 1;
  return `${prefix}${Date.now().toString(36)}${unique}`;
}

/**
 * Drives the local server's hosted sign-in page like a browser would (GET the page, POST the chosen
 * user with its hidden fields), and returns the `code` of the final redirect.
 */
export async function signInCode(baseUrl: string, userId: string): Promise<string> {
  const redirectUri = "http://localhost:3000/callback";
  const start = new URL(`${baseUrl}/v1/authorize`);
  start.searchParams.set("redirect_uri", redirectUri);
  start.searchParams.set("state", "st1");
  let response = await fetch(start, { redirect: "manual" });
  let cookies = (response.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0]).join("; ");
  while (
    response.status >= 300 &&
    response.status < 400 &&
    !response.headers.get("location")?.startsWith(redirectUri)
  ) {
    response = await fetch(new URL(response.headers.get("location") ?? "", baseUrl), {
      redirect: "manual",
      headers: { cookie: cookies },
    });
    cookies = [cookies, ...(response.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0])]
      .filter(Boolean)
      .join("; ");
  }
  for (let step = 0; step < 4; step++) {
    const location = response.headers.get("location");
    if (location?.startsWith(redirectUri)) {
      const code = new URL(location).searchParams.get("code");
      if (!code) throw new Error("redirect without a code");
      return code;
    }
    const html = await response.text();
    // The form holding the button for this user (or, next, for the first organization).
    const forms = [...html.matchAll(/<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)];
    const form =
      forms.find((f) => f[2]?.includes(`data-user-id="${userId}"`)) ??
      forms.find((f) => f[2]?.includes("data-organization-id")) ??
      forms.find((f) => f[2]?.includes('data-testid="signin-user"'));
    if (!form) throw new Error(`no sign-in form for ${userId} in:\n${html.slice(0, 500)}`);
    const fields = new URLSearchParams();
    for (const input of (form[2] ?? "").matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
      const name = /name="([^"]*)"/.exec(input[0])?.[1];
      const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? "";
      if (name)
        fields.set(
          name,
          value
            .replace(/&amp;/g, "&")
            .replace(/&quot;/g, '"')
            .replace(/&#39;/g, "'")
            .replace(/&lt;/g, "<")
            .replace(/&gt;/g, ">"),
        );
    }
    const button = /<button[^>]*name="([^"]*)"[^>]*value="([^"]*)"/.exec(form[2] ?? "");
    if (button?.[1]) fields.set(button[1], button[2] ?? "");
    response = await fetch(new URL((form[1] ?? "").replace(/&amp;/g, "&"), baseUrl), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies },
      body: fields,
    });
    cookies = [cookies, ...(response.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0])]
      .filter(Boolean)
      .join("; ");
  }
  throw new Error("the sign-in page never redirected back with a code");
}
