#!/usr/bin/env node
// Generates ../openapi.json, the OpenAPI 3.1 document of the Authio contract (API.md). The JSON file is what
// ships and what the server serves; this script is how it is maintained. Run: node scripts/openapi.mjs
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ref = (name) => ({ $ref: `#/components/schemas/${name}` });
const timestamp = { type: "string", format: "date-time" };
const id = (prefix) => ({ type: "string", pattern: `^${prefix}_[A-Za-z0-9_-]+$` });
const metadata = {
  type: "object",
  additionalProperties: { type: "string", maxLength: 500 },
  maxProperties: 50,
  description: "String values only; replaced as a whole by an update.",
};
const closed = (properties, required = Object.keys(properties)) => ({
  type: "object",
  additionalProperties: false,
  required,
  properties,
});
const list = (item) =>
  closed({
    object: { const: "list" },
    data: { type: "array", items: ref(item) },
    listMetadata: closed({ before: { type: ["string", "null"] }, after: { type: ["string", "null"] } }),
  });

const schemas = {
  Organization: closed({
    object: { const: "organization" },
    id: id("org"),
    name: { type: "string", minLength: 1, maxLength: 256 },
    slug: { type: "string", pattern: "^[a-z0-9-]{2,64}$" },
    domain: { type: ["string", "null"] },
    metadata,
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  User: closed({
    object: { const: "user" },
    id: id("user"),
    email: { type: "string", format: "email" },
    emailVerified: { type: "boolean" },
    firstName: { type: ["string", "null"] },
    lastName: { type: ["string", "null"] },
    metadata,
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  Membership: closed({
    object: { const: "membership" },
    id: id("om"),
    organizationId: id("org"),
    userId: id("user"),
    role: { type: "string" },
    status: { enum: ["active", "pending"] },
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  UserMembership: closed({
    object: { const: "membership" },
    id: id("om"),
    organizationId: id("org"),
    userId: id("user"),
    role: { type: "string" },
    status: { enum: ["active", "pending"] },
    createdAt: timestamp,
    updatedAt: timestamp,
    organization: closed({ id: id("org"), name: { type: "string" }, slug: { type: "string" } }),
  }),
  Session: closed({
    object: { const: "session" },
    id: id("session"),
    userId: id("user"),
    organizationId: { oneOf: [id("org"), { type: "null" }] },
    status: { enum: ["active", "revoked", "expired"] },
    createdAt: timestamp,
    lastActiveAt: timestamp,
    expiresAt: timestamp,
  }),
  AccessToken: {
    type: "string",
    pattern: "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$",
    description: "A compact JWS (API.md §2).",
  },
  RefreshToken: { type: "string", minLength: 16, description: "Opaque, single-use (rotates on refresh)." },
  SessionWithTokens: closed({
    session: ref("Session"),
    accessToken: ref("AccessToken"),
    refreshToken: ref("RefreshToken"),
  }),
  AuthenticateResponse: closed({
    session: ref("Session"),
    user: ref("User"),
    accessToken: ref("AccessToken"),
    refreshToken: ref("RefreshToken"),
  }),
  SwitchOrgResponse: closed({ session: ref("Session"), accessToken: ref("AccessToken") }),
  OrganizationList: list("Organization"),
  UserList: list("User"),
  MembershipList: list("Membership"),
  UserMembershipList: list("UserMembership"),
  SessionList: list("Session"),
  Jwk: {
    oneOf: [
      closed({
        kty: { const: "EC" },
        crv: { const: "P-256" },
        kid: { type: "string" },
        alg: { const: "ES256" },
        use: { const: "sig" },
        x: { type: "string" },
        y: { type: "string" },
      }),
      closed({
        kty: { const: "RSA" },
        kid: { type: "string" },
        alg: { const: "RS256" },
        use: { const: "sig" },
        n: { type: "string" },
        e: { type: "string" },
      }),
    ],
  },
  Jwks: closed({ keys: { type: "array", items: ref("Jwk"), minItems: 1 } }),
  ErrorDetail: closed({ field: { type: "string" }, code: { type: "string" }, message: { type: "string" } }),
  Error: closed({
    error: closed(
      {
        code: {
          type: "string",
          description:
            "Stable codes: invalid_request, invalid_code, invalid_api_key, invalid_refresh_token, refresh_token_reused, not_a_member, not_found, slug_in_use, domain_in_use, email_in_use, already_member, session_inactive, idempotency_key_reused, payload_too_large, rate_limited, internal_error, service_unavailable.",
        },
        message: { type: "string" },
        requestId: { type: "string", pattern: "^req_" },
        details: { type: "array", items: ref("ErrorDetail") },
      },
      ["code", "message", "requestId"],
    ),
  }),
  CreateOrganization: closed(
    {
      name: { type: "string", minLength: 1, maxLength: 256 },
      slug: { type: "string", pattern: "^[a-z0-9-]{2,64}$" },
      domain: { type: ["string", "null"] },
      metadata,
    },
    ["name", "slug"],
  ),
  UpdateOrganization: closed(
    {
      name: { type: "string", minLength: 1, maxLength: 256 },
      slug: { type: "string", pattern: "^[a-z0-9-]{2,64}$" },
      domain: { type: ["string", "null"] },
      metadata,
    },
    [],
  ),
  CreateUser: closed(
    {
      email: { type: "string", format: "email", maxLength: 320 },
      firstName: { type: ["string", "null"], maxLength: 256 },
      lastName: { type: ["string", "null"], maxLength: 256 },
      emailVerified: { type: "boolean", default: false },
      metadata,
    },
    ["email"],
  ),
  UpdateUser: closed(
    {
      email: { type: "string", format: "email", maxLength: 320 },
      firstName: { type: ["string", "null"], maxLength: 256 },
      lastName: { type: ["string", "null"], maxLength: 256 },
      emailVerified: { type: "boolean" },
      metadata,
    },
    [],
  ),
  AddMembership: closed({ userId: id("user"), role: { type: "string", default: "member" } }, ["userId"]),
  UpdateMembership: closed({ role: { type: "string" } }),
  CreateSession: closed({ userId: id("user"), organizationId: { oneOf: [id("org"), { type: "null" }] } }, [
    "userId",
  ]),
  Authenticate: closed({ code: { type: "string" } }),
  Refresh: closed({ refreshToken: { type: "string" }, organizationId: id("org") }, ["refreshToken"]),
  SwitchOrg: closed({ organizationId: id("org") }),
  WebhookEvent: closed({
    id: id("evt"),
    type: {
      enum: [
        "user.created",
        "user.updated",
        "user.deleted",
        "organization.created",
        "organization.updated",
        "organization.deleted",
        "membership.created",
        "membership.updated",
        "membership.deleted",
        "session.created",
        "session.revoked",
      ],
    },
    createdAt: timestamp,
    data: { type: "object" },
  }),
};

const errorCodes = {
  400: "Invalid request (`invalid_request`, with `details`), or `invalid_code`.",
  401: "`invalid_api_key`, or for refresh `invalid_refresh_token` / `refresh_token_reused`.",
  403: "`not_a_member`.",
  404: "`not_found`.",
  409: "`slug_in_use`, `domain_in_use`, `email_in_use`, `already_member`, `session_inactive` or `idempotency_key_reused`.",
  413: "`payload_too_large`: body over 1 MiB.",
  429: "`rate_limited`, with `Retry-After`.",
  500: "`internal_error`.",
  503: "`service_unavailable`.",
};
const requestIdHeader = {
  "X-Request-Id": {
    description: "Unique id of this request, `req_…`.",
    schema: { type: "string", pattern: "^req_" },
  },
};
const errorResponses = (statuses) =>
  Object.fromEntries(
    statuses.map((s) => [
      String(s),
      {
        description: errorCodes[s],
        headers:
          s === 429
            ? { ...requestIdHeader, "Retry-After": { schema: { type: "string" }, description: "Seconds." } }
            : requestIdHeader,
        content: { "application/json": { schema: ref("Error") } },
      },
    ]),
  );
const COMMON = [400, 401, 429, 500, 503];
const ok = (status, schema, description) => ({
  [status]: {
    description,
    headers: requestIdHeader,
    content: { "application/json": { schema: ref(schema) } },
  },
});
const noContent = { 204: { description: "Deleted.", headers: requestIdHeader } };
const body = (schema) => ({ required: true, content: { "application/json": { schema: ref(schema) } } });
const pathParam = (name, prefix) => ({
  name,
  in: "path",
  required: true,
  schema: { type: "string" },
  description: `\`${prefix}_…\``,
});
const idempotency = { $ref: "#/components/parameters/IdempotencyKey" };
const listParams = ["Limit", "After", "Before", "Order"].map((n) => ({
  $ref: `#/components/parameters/${n}`,
}));
const query = (name, description) => ({
  name,
  in: "query",
  required: false,
  schema: { type: "string" },
  description,
});

const op = (operationId, summary, extra) => ({ operationId, summary, ...extra });

const paths = {
  "/v1/jwks": {
    get: op("getJwks", "The environment's public signing keys", {
      responses: {
        200: {
          description: "Published keys. `Cache-Control: public, max-age=300`.",
          headers: { ...requestIdHeader, "Cache-Control": { schema: { type: "string" } } },
          content: { "application/json": { schema: ref("Jwks") } },
        },
        ...errorResponses(COMMON),
      },
    }),
  },
  "/v1/organizations": {
    post: op("createOrganization", "Create an organization", {
      parameters: [idempotency],
      requestBody: body("CreateOrganization"),
      responses: { ...ok(201, "Organization", "Created."), ...errorResponses([...COMMON, 409, 413]) },
    }),
    get: op("listOrganizations", "List organizations", {
      parameters: [
        ...listParams,
        query("slug", "Exact slug."),
        query("domain", "Exact domain (case-insensitive)."),
      ],
      responses: { ...ok(200, "OrganizationList", "A page."), ...errorResponses(COMMON) },
    }),
  },
  "/v1/organizations/{id}": {
    parameters: [pathParam("id", "org")],
    get: op("getOrganization", "Get an organization", {
      responses: { ...ok(200, "Organization", "The organization."), ...errorResponses([...COMMON, 404]) },
    }),
    patch: op("updateOrganization", "Update an organization", {
      requestBody: body("UpdateOrganization"),
      responses: { ...ok(200, "Organization", "Updated."), ...errorResponses([...COMMON, 404, 409, 413]) },
    }),
    delete: op(
      "deleteOrganization",
      "Delete an organization (memberships go with it; sessions pivoted into it are unpivoted)",
      {
        responses: { ...noContent, ...errorResponses([...COMMON, 404]) },
      },
    ),
  },
  "/v1/organizations/{orgId}/memberships": {
    parameters: [pathParam("orgId", "org")],
    post: op("addMembership", "Add a member", {
      parameters: [idempotency],
      requestBody: body("AddMembership"),
      responses: { ...ok(201, "Membership", "Added."), ...errorResponses([...COMMON, 404, 409, 413]) },
    }),
    get: op("listMemberships", "List an organization's members", {
      parameters: listParams,
      responses: { ...ok(200, "MembershipList", "A page."), ...errorResponses([...COMMON, 404]) },
    }),
  },
  "/v1/organizations/{orgId}/memberships/{userId}": {
    parameters: [pathParam("orgId", "org"), pathParam("userId", "user")],
    patch: op("updateMembership", "Change a member's role", {
      requestBody: body("UpdateMembership"),
      responses: { ...ok(200, "Membership", "Updated."), ...errorResponses([...COMMON, 404, 413]) },
    }),
    delete: op("removeMembership", "Remove a member", {
      responses: { ...noContent, ...errorResponses([...COMMON, 404]) },
    }),
  },
  "/v1/users": {
    post: op("createUser", "Create a user", {
      parameters: [idempotency],
      requestBody: body("CreateUser"),
      responses: { ...ok(201, "User", "Created."), ...errorResponses([...COMMON, 409, 413]) },
    }),
    get: op("listUsers", "List users", {
      parameters: [...listParams, query("email", "Exact email (case-insensitive).")],
      responses: { ...ok(200, "UserList", "A page."), ...errorResponses(COMMON) },
    }),
  },
  "/v1/users/{id}": {
    parameters: [pathParam("id", "user")],
    get: op("getUser", "Get a user", {
      responses: { ...ok(200, "User", "The user."), ...errorResponses([...COMMON, 404]) },
    }),
    patch: op("updateUser", "Update a user", {
      requestBody: body("UpdateUser"),
      responses: { ...ok(200, "User", "Updated."), ...errorResponses([...COMMON, 404, 409, 413]) },
    }),
    delete: op("deleteUser", "Delete a user (revokes the user's sessions)", {
      responses: { ...noContent, ...errorResponses([...COMMON, 404]) },
    }),
  },
  "/v1/users/{id}/memberships": {
    parameters: [pathParam("id", "user")],
    get: op("listUserMemberships", "List a user's memberships, with their organizations", {
      parameters: listParams,
      responses: { ...ok(200, "UserMembershipList", "A page."), ...errorResponses([...COMMON, 404]) },
    }),
  },
  "/v1/users/{id}/sessions": {
    parameters: [pathParam("id", "user")],
    get: op("listUserSessions", "List a user's sessions", {
      parameters: listParams,
      responses: { ...ok(200, "SessionList", "A page."), ...errorResponses([...COMMON, 404]) },
    }),
  },
  "/v1/sessions": {
    post: op("createSession", "Create a session for a user (server-side sign-in, tests, impersonation)", {
      parameters: [idempotency],
      requestBody: body("CreateSession"),
      responses: {
        ...ok(201, "SessionWithTokens", "Created."),
        ...errorResponses([...COMMON, 403, 404, 413]),
      },
    }),
  },
  "/v1/sessions/authenticate": {
    post: op("authenticateWithCode", "Exchange a sign-in code", {
      parameters: [idempotency],
      requestBody: body("Authenticate"),
      responses: { ...ok(200, "AuthenticateResponse", "Signed in."), ...errorResponses([...COMMON, 413]) },
    }),
  },
  "/v1/sessions/refresh": {
    post: op("refreshSession", "Rotate a refresh token for new tokens", {
      parameters: [idempotency],
      requestBody: body("Refresh"),
      responses: {
        ...ok(200, "SessionWithTokens", "Refreshed."),
        ...errorResponses([...COMMON, 403, 404, 409, 413]),
      },
    }),
  },
  "/v1/sessions/{id}": {
    parameters: [pathParam("id", "session")],
    get: op("getSession", "Get a session", {
      responses: { ...ok(200, "Session", "The session."), ...errorResponses([...COMMON, 404]) },
    }),
  },
  "/v1/sessions/{id}/switch-org": {
    parameters: [pathParam("id", "session")],
    post: op("switchOrganization", "Pivot a session into another organization", {
      parameters: [idempotency],
      requestBody: body("SwitchOrg"),
      responses: {
        ...ok(200, "SwitchOrgResponse", "Pivoted."),
        ...errorResponses([...COMMON, 403, 404, 409, 413]),
      },
    }),
  },
  "/v1/sessions/{id}/revoke": {
    parameters: [pathParam("id", "session")],
    post: op("revokeSession", "Revoke a session", {
      parameters: [idempotency],
      requestBody: { required: false, content: { "application/json": { schema: closed({}, []) } } },
      responses: { ...ok(200, "Session", "Revoked."), ...errorResponses([...COMMON, 404]) },
    }),
  },
  "/v1/authorize": {
    get: op("authorize", "The hosted sign-in page (HTML, for browsers; no secret key)", {
      security: [],
      parameters: [
        { name: "redirect_uri", in: "query", required: true, schema: { type: "string", format: "uri" } },
        { name: "state", in: "query", required: false, schema: { type: "string" } },
        { name: "organization_id", in: "query", required: false, schema: { type: "string" } },
      ],
      responses: {
        200: { description: "The page.", content: { "text/html": { schema: { type: "string" } } } },
        303: { description: "On success (after the page's forms): `redirect_uri?code=…&state=…`." },
        400: {
          description: "A missing or unregistered redirect URI.",
          content: { "text/html": { schema: { type: "string" } } },
        },
      },
    }),
  },
};

// Every operation that reads a body can answer 413, and every POST can answer 409 idempotency_key_reused.
for (const item of Object.values(paths)) {
  for (const [method, operation] of Object.entries(item)) {
    if (method === "parameters" || method === "get" || !operation.responses?.["401"]) continue;
    const add = method === "post" ? [409, 413] : [413];
    for (const status of add) {
      if (!operation.responses[String(status)]) Object.assign(operation.responses, errorResponses([status]));
    }
  }
}

const doc = {
  openapi: "3.1.0",
  jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
  info: {
    title: "Authio platform API",
    version: "1.0.0",
    description:
      "The Authio wire contract (v1): Management API, session tokens and signing keys. Served by @authio/local at /openapi.json. Timestamps are ISO 8601 UTC; ids are prefixed by type.",
    license: { name: "MIT", identifier: "MIT" },
  },
  servers: [
    { url: "https://api.authio.com" },
    { url: "http://127.0.0.1:8787", description: "@authio/local" },
  ],
  security: [{ secretKey: [] }],
  paths,
  webhooks: {
    event: {
      post: {
        summary: "An event, signed with `Authio-Signature: t=…,v1=…` (HMAC-SHA256 of `<t>.<raw body>`).",
        parameters: [{ name: "Authio-Signature", in: "header", required: true, schema: { type: "string" } }],
        requestBody: body("WebhookEvent"),
        responses: { 200: { description: "Any 2xx acknowledges the delivery; anything else is retried." } },
      },
    },
  },
  components: {
    securitySchemes: {
      secretKey: {
        type: "http",
        scheme: "bearer",
        description: "The environment's secret key, `sk_test_…` or `sk_live_…`.",
      },
    },
    parameters: {
      IdempotencyKey: {
        name: "Idempotency-Key",
        in: "header",
        required: false,
        schema: { type: "string", minLength: 1, maxLength: 255 },
        description: "Replays the first response for 24 h; another method, path or body with the key is 409.",
      },
      Limit: {
        name: "limit",
        in: "query",
        schema: { type: "integer", minimum: 1, maximum: 100, default: 10 },
      },
      After: {
        name: "after",
        in: "query",
        schema: { type: "string" },
        description: "Id of the last item seen: further along the list's order.",
      },
      Before: {
        name: "before",
        in: "query",
        schema: { type: "string" },
        description: "Id of the first item seen: back along the list's order.",
      },
      Order: { name: "order", in: "query", schema: { enum: ["asc", "desc"], default: "desc" } },
    },
    schemas,
  },
};

const out = fileURLToPath(new URL("../openapi.json", import.meta.url));
writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
console.log(`wrote ${out}`);
