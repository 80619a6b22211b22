import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalAuthio } from "../src/index.js";
import { type Api, type ApiResponse, apiFor, startTestServer } from "./helpers.js";

const doc = JSON.parse(readFileSync(new URL("../openapi.json", import.meta.url), "utf8"));

// OpenAPI 3.1 schemas are JSON Schema 2020-12: the whole document is registered as one schema so that
// `#/components/schemas/…` references resolve; strict mode is off for the OpenAPI-only keywords.
const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS with `exports.default`: under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  a: Ajv2020,
) => void;
addFormats(ajv);
ajv.addSchema(doc, "openapi");

const templates = Object.keys(doc.paths).map((template) => ({
  template,
  regex: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
}));

function validate(method: string, path: string, response: ApiResponse): string[] {
  const pathname = path.split("?")[0]!;
  const match = templates.find((t) => t.regex.test(pathname));
  if (!match) return [`no OpenAPI path for ${pathname}`];
  const operation = doc.paths[match.template][method.toLowerCase()];
  if (!operation) return [`no OpenAPI operation ${method} ${match.template}`];
  const declared = operation.responses[String(response.status)];
  if (!declared) return [`${method} ${match.template}: undeclared status ${response.status}`];
  const schema = declared.content?.["application/json"]?.schema;
  if (!schema)
    return response.text === "" ? [] : [`${method} ${match.template} ${response.status}: unexpected body`];
  const pointer = `openapi#/paths/${match.template.replaceAll("~", "~0").replaceAll("/", "~1")}/${method.toLowerCase()}/responses/${response.status}/content/application~1json/schema`;
  const validator = ajv.getSchema(pointer);
  if (!validator) return [`cannot compile ${pointer}`];
  if (validator(response.body)) return [];
  return (validator.errors ?? []).map(
    (e) => `${method} ${path} ${response.status}: ${e.instancePath} ${e.message}`,
  );
}

let local: LocalAuthio;
let raw: Api;
const problems: string[] = [];
let checked = 0;
const api: Api = async (method, path, body, options) => {
  const response = await raw(method, path, body, options);
  problems.push(...validate(method, path, response));
  checked++;
  return response;
};

beforeAll(async () => {
  local = await startTestServer();
  raw = apiFor(local);
});
afterAll(async () => {
  await local.stop();
});

describe("OpenAPI document", () => {
  it("is served at /openapi.json without a key and is OpenAPI 3.1", async () => {
    const r = await raw("GET", "/openapi.json", undefined, { key: null });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(doc);
    expect(doc.openapi).toBe("3.1.0");
  });

  it("describes every response the server gives, happy paths and errors", async () => {
    await api("GET", "/v1/jwks");
    await api("GET", "/v1/jwks", undefined, { key: null });
    const org = (
      await api("POST", "/v1/organizations", {
        name: "Acme",
        slug: "acme",
        domain: "acme.com",
        metadata: { a: "b" },
      })
    ).body;
    await api("POST", "/v1/organizations", { name: "Acme", slug: "acme" });
    await api("POST", "/v1/organizations", { name: 1, slug: "NO" });
    await api("GET", `/v1/organizations/${org.id}`);
    await api("GET", "/v1/organizations/org_missing");
    await api("GET", "/v1/organizations?limit=2&order=asc");
    await api("GET", "/v1/organizations?limit=500");
    await api("PATCH", `/v1/organizations/${org.id}`, { name: "Acme 2", domain: null });
    const user = (await api("POST", "/v1/users", { email: "a@acme.com", firstName: "A" })).body;
    await api("POST", "/v1/users", { email: "A@acme.com" });
    await api("GET", `/v1/users/${user.id}`);
    await api("GET", "/v1/users?email=a@acme.com");
    await api("PATCH", `/v1/users/${user.id}`, { lastName: "B", metadata: { k: "v" } });
    await api("POST", `/v1/organizations/${org.id}/memberships`, { userId: user.id, role: "admin" });
    await api("POST", `/v1/organizations/${org.id}/memberships`, { userId: user.id });
    await api("GET", `/v1/organizations/${org.id}/memberships`);
    await api("PATCH", `/v1/organizations/${org.id}/memberships/${user.id}`, { role: "member" });
    await api("GET", `/v1/users/${user.id}/memberships`);
    const created = (await api("POST", "/v1/sessions", { userId: user.id, organizationId: org.id })).body;
    const other = (await api("POST", "/v1/organizations", { name: "Other", slug: "other" })).body;
    await api("POST", "/v1/sessions", { userId: user.id, organizationId: other.id });
    await api("GET", `/v1/sessions/${created.session.id}`);
    await api("GET", `/v1/users/${user.id}/sessions`);
    await api("POST", `/v1/organizations/${other.id}/memberships`, { userId: user.id });
    await api("POST", `/v1/sessions/${created.session.id}/switch-org`, { organizationId: other.id });
    const refreshed = (await api("POST", "/v1/sessions/refresh", { refreshToken: created.refreshToken }))
      .body;
    await api("POST", "/v1/sessions/refresh", { refreshToken: created.refreshToken });
    await api("POST", "/v1/sessions/refresh", { refreshToken: refreshed.refreshToken });
    await api("POST", "/v1/sessions/refresh", { refreshToken: "rt_nothing" });
    await api("POST", "/v1/sessions/authenticate", { code: "nothing" });
    await api("POST", `/v1/sessions/${created.session.id}/revoke`);
    await api("POST", `/v1/sessions/${created.session.id}/switch-org`, { organizationId: org.id });
    await api(
      "POST",
      "/v1/organizations",
      { name: "I", slug: "idem" },
      { headers: { "idempotency-key": "k1" } },
    );
    await api(
      "POST",
      "/v1/organizations",
      { name: "I", slug: "idem-2" },
      { headers: { "idempotency-key": "k1" } },
    );
    await api("POST", "/v1/organizations", undefined, { raw: "x".repeat(1_048_577) });
    await api("DELETE", `/v1/organizations/${org.id}/memberships/${user.id}`);
    await api("DELETE", `/v1/organizations/${org.id}`);
    await api("DELETE", `/v1/users/${user.id}`);
    await api("DELETE", `/v1/users/${user.id}`);
    local.faults.add({ kind: "status", status: 503, count: 1 });
    await api("GET", "/v1/jwks");
    local.faults.rateLimit({ limit: 1, windowSeconds: 60 });
    await api("GET", "/v1/jwks");
    const limited = await api("GET", "/v1/jwks");
    expect(limited.status).toBe(429);
    local.faults.clear();
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(40);
    // The validator itself can fail: a wrong shape and an undeclared status are both caught.
    const fake = (status: number, body: unknown) => ({
      status,
      body,
      text: JSON.stringify(body),
      headers: new Headers(),
    });
    expect(validate("GET", "/v1/organizations/org_x", fake(200, { ...org, extra: 1 }))).not.toEqual([]);
    expect(validate("GET", "/v1/jwks", fake(418, {}))).not.toEqual([]);
  });
});
