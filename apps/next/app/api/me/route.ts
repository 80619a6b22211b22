import { withSession } from "@/lib/authio";

// The same session from the browser's cookie or from `Authorization: Bearer <token>`.
export const GET = withSession(async (_request, { session }) => {
  const { userId, sessionId, orgId, role, permissions } = session;
  return Response.json({ userId, sessionId, organizationId: orgId, role, permissions });
});
