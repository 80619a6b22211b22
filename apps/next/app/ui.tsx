// The app's shell: top bar, badges, notices. The look comes from @authio/example-ui/styles.css.
import type { ReactNode } from "react";
import type { CurrentViewer } from "@/lib/authio";

type Named = { firstName: string | null; lastName: string | null; email: string };

export const displayName = (u: Named) => [u.firstName, u.lastName].filter(Boolean).join(" ") || u.email;

export function initials(text: string): string {
  const parts = text.split(/[\s@._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (parts[1]?.[0] ?? "")).toUpperCase();
}

export function RoleBadge({ role }: { role: string | null }) {
  return (
    <span className={`badge ${role === "admin" ? "admin" : "member"}`} data-testid="role-badge">
      {role ?? "no role"}
    </span>
  );
}

export function Notice({ kind, text }: { kind: "success" | "error"; text: string | null }) {
  if (!text) return null;
  return (
    <div className={`notice ${kind}`} role="status" data-testid="notice">
      {text}
    </div>
  );
}

/** A form that pivots the session into another organization (a plain POST, no JavaScript needed). */
export function SwitchButton({
  organizationId,
  returnTo,
  children,
}: {
  organizationId: string;
  returnTo: string;
  children: ReactNode;
}) {
  const action = `/auth/switch-organization?organization_id=${encodeURIComponent(organizationId)}&return_to=${encodeURIComponent(returnTo)}`;
  return (
    <form className="inline" method="post" action={action}>
      {children}
    </form>
  );
}

export function Shell({
  viewer,
  active,
  children,
}: {
  viewer: CurrentViewer;
  active: "home" | "admin";
  children: ReactNode;
}) {
  const { user, session, current } = viewer;
  const name = displayName(user);
  return (
    <>
      <header className="topbar">
        <a className="brand" href="/">
          <span className="logo">A</span>Orbit <span className="framework">Next.js</span>
        </a>
        <nav className="nav">
          <a href="/" className={active === "home" ? "active" : ""}>
            Overview
          </a>
          <a href="/admin" className={active === "admin" ? "active" : ""} data-testid="admin-link">
            Members
          </a>
        </nav>
        <span className="spacer" />
        {current ? (
          <span className="org-chip" data-testid="current-org" data-organization-id={current.organizationId}>
            <span className="avatar org">{initials(current.organization.name)}</span>
            {current.organization.name} <RoleBadge role={session.role} />
          </span>
        ) : (
          <span className="org-chip muted" data-testid="current-org">
            No organization selected
          </span>
        )}
        <span className="user-chip" data-testid="current-user" data-user-id={user.id}>
          <span className="avatar">{initials(name)}</span>
          <span>
            <div className="name">{name}</div>
            <div className="email">{user.email}</div>
          </span>
        </span>
        <form className="inline" method="post" action="/auth/sign-out">
          <button className="secondary small" type="submit" data-testid="sign-out">
            Sign out
          </button>
        </form>
      </header>
      <main>
        {children}
        <footer>An Authio example app · Next.js · signed in through the local Authio sign-in page</footer>
      </main>
    </>
  );
}
