import { authioProxy } from "@/lib/authio";

// Default deny: every page needs a session, and a signed-out browser is sent to sign in (with
// return_to). The pages and routes verify the session again: the proxy is a first line only.
// The lifecycle routes under /auth pass through by themselves.
export const proxy = authioProxy({ signInUrl: "/auth/sign-in" });

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
