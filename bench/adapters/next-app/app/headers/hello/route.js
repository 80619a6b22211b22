// Unguarded, plus the two headers every session-dependent answer must carry: what they cost alone.
export const GET = () =>
  Response.json(
    { hello: "world" },
    { headers: { "cache-control": "private", vary: "Authorization, Cookie" } },
  );

// Rendered per request, as every authenticated route is.
export const dynamic = "force-dynamic";
