"use server";

import { AuthioError } from "@authio/node";
import { forbidden, redirect } from "next/navigation";
import { authio, getSession } from "@/lib/authio";

/** Creates an organization and makes the signed-in user its admin. */
export async function createOrganization(form: FormData): Promise<void> {
  const session = await getSession();
  if (!session) redirect("/auth/sign-in?return_to=/");
  let organizationId: string;
  try {
    const org = await authio().organizations.create({
      name: String(form.get("name") ?? ""),
      slug: String(form.get("slug") ?? ""),
    });
    await authio().memberships.add(org.id, { userId: session.userId, role: "admin" });
    organizationId = org.id;
  } catch (error) {
    if (!(error instanceof AuthioError) || (error.status !== 400 && error.status !== 409)) throw error;
    redirect(`/?error=${encodeURIComponent(error.code)}`);
  }
  redirect(`/?created=${organizationId}`);
}

/** Adds an existing user (by email) to the current organization: admins only. */
export async function addMember(form: FormData): Promise<void> {
  const session = await getSession();
  if (!session) redirect("/auth/sign-in?return_to=/admin");
  if (session.role !== "admin" || !session.orgId) forbidden();
  const email = String(form.get("email") ?? "").trim();
  const role = form.get("role") === "admin" ? "admin" : "member";
  const [user] = (await authio().users.list({ email })).data;
  if (!user) redirect(`/admin?error=unknown_user&email=${encodeURIComponent(email)}`);
  try {
    await authio().memberships.add(session.orgId, { userId: user.id, role });
  } catch (error) {
    if (!(error instanceof AuthioError && error.code === "already_member")) throw error;
    redirect(`/admin?error=already_member&email=${encodeURIComponent(email)}`);
  }
  redirect(`/admin?added=${encodeURIComponent(user.id)}`);
}
