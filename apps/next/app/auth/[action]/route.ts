import { fromFetchRequest, toFetchResponse } from "@authio/node";
import { lifecycle } from "@/lib/authio";

// GET /auth/sign-in, GET /auth/callback, POST /auth/sign-out, POST /auth/switch-organization.
async function handle(request: Request): Promise<Response> {
  // fromFetchRequest takes the host from the Host header: `next start -H 127.0.0.1` reports
  // `localhost` in request.url, and cookies are per host.
  const answer = await lifecycle().handle(fromFetchRequest(request));
  return answer ? toFetchResponse(answer) : new Response("Not found", { status: 404 });
}

export const GET = handle;
export const POST = handle;
