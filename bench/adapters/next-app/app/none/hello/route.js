// Unguarded: the baseline.
export const GET = () => Response.json({ hello: "world" });

// Rendered per request, as every authenticated route is.
export const dynamic = "force-dynamic";
