import { forbidden, redirect } from "next/navigation";
import { authio, currentViewer } from "@/lib/authio";
import { addMember } from "../actions";
import { displayName, initials, Notice, RoleBadge, Shell } from "../ui";

// Admins of the current organization only: anyone else gets app/forbidden.tsx with a 403.
export default async function Admin({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const viewer = await currentViewer();
  if (!viewer) redirect("/auth/sign-in?return_to=/admin");
  if (viewer.session.role !== "admin" || !viewer.session.orgId) forbidden();

  const members = [];
  for await (const m of await authio().memberships.list(viewer.session.orgId, { limit: 100 })) {
    const user = await authio()
      .users.get(m.userId)
      .catch(() => null);
    members.push({ userId: m.userId, role: m.role, user });
  }
  const { added, error, email } = await searchParams;
  const addedMember = members.find((m) => m.userId === added);
  const errorText =
    error === "unknown_user"
      ? `No user has the email ${email}. They can create an account on the sign-in page first.`
      : error === "already_member"
        ? `${email} is already a member.`
        : null;

  return (
    <Shell viewer={viewer} active="admin">
      <Notice
        kind="success"
        text={
          addedMember ? `${addedMember.user?.email} is now a ${addedMember.role} of this organization.` : null
        }
      />
      <Notice kind="error" text={errorText} />
      <h1 data-testid="admin-title">Members of {viewer.current?.organization.name ?? "this organization"}</h1>
      <p className="lead">
        Only admins see this page. Members and roles come from the Authio Management API.
      </p>
      <div className="grid">
        <section className="card">
          <h2>
            {members.length} {members.length === 1 ? "member" : "members"}
          </h2>
          <ul className="list" data-testid="members">
            {members.map((m) => {
              const name = m.user ? displayName(m.user) : m.userId;
              return (
                <li key={m.userId} data-testid="member">
                  <span className="avatar">{initials(name)}</span>
                  <span className="grow">
                    <strong>{name}</strong>
                    <div className="muted">{m.user?.email}</div>
                  </span>
                  <RoleBadge role={m.role} />
                </li>
              );
            })}
          </ul>
        </section>
        <section className="card">
          <h2>Add a member</h2>
          <form action={addMember} data-testid="add-member-form">
            <label htmlFor="member-email">Email of an existing user</label>
            <input id="member-email" name="email" type="email" required placeholder="margaret@example.com" />
            <label htmlFor="member-role">Role</label>
            <select id="member-role" name="role" defaultValue="member">
              <option value="member">member</option>
              <option value="admin">admin</option>
            </select>
            <button type="submit">Add member</button>
          </form>
        </section>
      </div>
    </Shell>
  );
}
