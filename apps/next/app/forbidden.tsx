import { currentViewer } from "@/lib/authio";
import { Shell, SwitchButton } from "./ui";

// Rendered, with status 403, where a page calls forbidden(): here, a member on the admin page.
export default async function Forbidden() {
  const viewer = await currentViewer();
  const body = (
    <section className="card empty-state" data-testid="forbidden">
      <div className="icon" aria-hidden="true">
        <svg
          width="40"
          height="40"
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.8"
          strokeLinecap="round"
          strokeLinejoin="round"
        >
          <title>Locked</title>
          <rect x="4" y="11" width="16" height="10" rx="2" />
          <path d="M8 11V7a4 4 0 0 1 8 0v4" />
        </svg>
      </div>
      <h1>Admins only</h1>
      <p>
        {viewer?.current ? (
          <>
            Your role in <strong>{viewer.current.organization.name}</strong> is{" "}
            <strong>{viewer.session.role}</strong>.
          </>
        ) : (
          "You have not selected an organization."
        )}{" "}
        Only an organization&apos;s admins can manage its members.
      </p>
      {viewer?.memberships
        .filter((m) => m.role === "admin" && m.organizationId !== viewer.session.orgId)
        .map((m) => (
          <SwitchButton key={m.organizationId} organizationId={m.organizationId} returnTo="/admin">
            <button type="submit">Switch to {m.organization.name}</button>{" "}
          </SwitchButton>
        ))}
      <a className="button secondary" href="/">
        Back to overview
      </a>
    </section>
  );
  return viewer ? (
    <Shell viewer={viewer} active="admin">
      {body}
    </Shell>
  ) : (
    <main>{body}</main>
  );
}
