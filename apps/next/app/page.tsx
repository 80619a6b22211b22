import { redirect } from "next/navigation";
import { currentViewer } from "@/lib/authio";
import { createOrganization } from "./actions";
import { displayName, initials, Notice, RoleBadge, Shell, SwitchButton } from "./ui";

const ERRORS: Record<string, string> = {
  slug_in_use: "That slug is taken: choose another one.",
  domain_in_use: "That domain belongs to another organization.",
  invalid_request: "Check the name and the slug (lower-case letters, digits and dashes).",
};

export default async function Home({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const viewer = await currentViewer();
  if (!viewer) redirect("/auth/sign-in?return_to=/");
  const { user, session, memberships, current } = viewer;
  const { created, error } = await searchParams;
  const createdOrg = memberships.find((m) => m.organizationId === created)?.organization;

  return (
    <Shell viewer={viewer} active="home">
      <Notice kind="success" text={createdOrg ? `${createdOrg.name} is created: you are its admin.` : null} />
      <Notice kind="error" text={error ? (ERRORS[error] ?? "That did not work.") : null} />
      <h1 data-testid="welcome">Welcome back, {user.firstName ?? displayName(user)}</h1>
      <p className="lead">
        {current ? (
          <>
            You are working in <strong>{current.organization.name}</strong> as{" "}
            <strong data-testid="current-role">{session.role}</strong>.
          </>
        ) : (
          "You have not selected an organization. Pick one below, or create one."
        )}
      </p>
      <div className="grid">
        <section className="card">
          <h2>Your account</h2>
          <dl className="facts">
            <dt>Name</dt>
            <dd>{displayName(user)}</dd>
            <dt>Email</dt>
            <dd>{user.email}</dd>
            <dt>User id</dt>
            <dd>
              <code>{user.id}</code>
            </dd>
            <dt>Session</dt>
            <dd>
              <code>{session.sessionId}</code>
            </dd>
            <dt>Permissions</dt>
            <dd>
              {session.permissions.length ? (
                session.permissions.join(", ")
              ) : (
                <span className="muted">none</span>
              )}
            </dd>
          </dl>
        </section>
        <section className="card">
          <h2>Your organizations</h2>
          {memberships.length === 0 ? (
            <p className="muted">You do not belong to any organization yet.</p>
          ) : (
            <ul className="list" data-testid="memberships">
              {memberships.map((m) => (
                <li key={m.organizationId} data-testid="membership" data-organization-id={m.organizationId}>
                  <span className="avatar org">{initials(m.organization.name)}</span>
                  <span className="grow">
                    <strong>{m.organization.name}</strong>
                    <div className="muted">{m.organization.slug}</div>
                  </span>
                  <RoleBadge role={m.role} />
                  {m.organizationId === session.orgId ? (
                    <span className="badge current">Current</span>
                  ) : (
                    <SwitchButton organizationId={m.organizationId} returnTo="/">
                      <button
                        className="secondary small"
                        type="submit"
                        data-testid="switch-org"
                        data-organization-id={m.organizationId}
                      >
                        Switch
                      </button>
                    </SwitchButton>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card">
          <h2>Create an organization</h2>
          <form action={createOrganization} data-testid="create-org-form">
            <label htmlFor="org-name">Name</label>
            <input id="org-name" name="name" required maxLength={100} placeholder="Umbrella Labs" />
            <label htmlFor="org-slug">Slug</label>
            <input id="org-slug" name="slug" required pattern="[a-z0-9-]{2,64}" placeholder="umbrella-labs" />
            <button type="submit">Create organization</button>
          </form>
          <p className="muted">You become its admin; switch to it from your organizations.</p>
        </section>
        <section className="card">
          <h2>Call the API</h2>
          <p className="muted">
            This browser calls <a href="/api/me">/api/me</a> with its session cookie; a server or a script
            sends the same access token as a Bearer header:
          </p>
          <p>
            <code>curl -H "Authorization: Bearer $TOKEN" /api/me</code>
          </p>
        </section>
      </div>
    </Shell>
  );
}
