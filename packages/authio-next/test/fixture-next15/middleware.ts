import { authioProxy } from "@authio/next";
import { type NextRequest, NextResponse } from "next/server";
import { FORGED_SESSION } from "../../../test-kit/src/conformance/fixture.ts";

// The Next 15 twin of ../fixture/proxy.ts: the same guard as `middleware.ts`, on the Edge runtime.
const guard = authioProxy({
  public: [
    "/",
    "/sign-in",
    "/whoami",
    "/action",
    "/api/public/*",
    "/api/open/*",
    "/api/optional",
    "/conformance/handlers/*",
    "/conformance/proxied/public",
    "/conformance/proxied/forged/public",
  ],
  api: ["/api/*", "/conformance/*", "/private", "/readme/me", "/readme/orgs/*"],
  signInUrl: "/sign-in",
});

export async function middleware(request: NextRequest) {
  const denied = await guard(request);
  if (denied) return denied;
  if (request.nextUrl.pathname.includes("/forged/")) {
    const headers = new Headers(request.headers);
    headers.set("x-authio-session", JSON.stringify(FORGED_SESSION));
    headers.set("x-authio-user-id", FORGED_SESSION.userId);
    return NextResponse.next({ request: { headers } });
  }
  return undefined;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
