// Guarded by @authio/next: the client comes from AUTHIO_API_URL / AUTHIO_SECRET_KEY.
import { withSession } from "@authio/next";

export const GET = withSession((_request, { session }) => Response.json({ hello: session.userId }));

// Rendered per request, as every authenticated route is.
export const dynamic = "force-dynamic";
