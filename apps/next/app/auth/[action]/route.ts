import { authioRoutes } from "@/lib/authio";

// GET /auth/sign-in, GET /auth/callback, POST /auth/sign-out, POST /auth/switch-organization.
// Redirects are relative and the host comes from the Host header: `next start -H 127.0.0.1` reports
// `localhost` in request.url, and cookies are per host.
export const { GET, POST } = authioRoutes();
