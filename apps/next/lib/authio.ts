import { createAuthioNext } from "@authio/next";
import { Authio } from "@authio/node";

// One Authio client for the app, built on first use from AUTHIO_SECRET_KEY and AUTHIO_API_URL
// (so `next build` never needs the secret).
let client: Authio | undefined;
export const authio = (): Authio => {
  client ??= new Authio();
  return client;
};

// authioRoutes(): the session lifecycle (sign-in, callback, sign-out, switch organization), served by
// app/auth/[action]/route.ts. The proxy refreshes an expired access token and forwards the new cookie.
export const { withSession, getSession, authioProxy, authioRoutes } = createAuthioNext({ authio });

/** The signed-in user, their session and their organizations (Management API); `null` when signed out. */
export async function currentViewer() {
  const session = await getSession();
  if (!session) return null;
  const [user, memberships] = await Promise.all([
    authio().users.get(session.userId),
    authio().users.listMemberships(session.userId),
  ]);
  const current = memberships.find((m) => m.organizationId === session.orgId) ?? null;
  return { session, user, memberships, current };
}

export type CurrentViewer = NonNullable<Awaited<ReturnType<typeof currentViewer>>>;
