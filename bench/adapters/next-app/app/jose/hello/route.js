// What a Next.js app without an Authio SDK would write: jose's remote JWKS (cached by jose) and
// jwtVerify on the Bearer token, in the route handler.
import { createRemoteJWKSet, jwtVerify } from "jose";

// Built on first use: `next build` evaluates this module without the environment.
let keys;

export async function GET(request) {
  const issuer = process.env.AUTHIO_API_URL;
  keys ??= createRemoteJWKSet(new URL("/v1/jwks", issuer));
  const header = request.headers.get("authorization") ?? "";
  const token = header.startsWith("Bearer ") ? header.slice(7) : "";
  try {
    const { payload } = await jwtVerify(token, keys, { issuer, algorithms: ["ES256"] });
    return Response.json(
      { hello: payload.sub },
      { headers: { "cache-control": "private", vary: "Authorization, Cookie" } },
    );
  } catch {
    return Response.json({ error: "unauthenticated" }, { status: 401 });
  }
}

// Rendered per request, as every authenticated route is.
export const dynamic = "force-dynamic";
