import type { HandlerResult } from "../http.js";
import {
  isBoolean,
  isDomain,
  isEmail,
  isId,
  isMetadata,
  isNonBlankString,
  isSlug,
  isString,
  parseBody,
  parseListQuery,
  rejectQuery,
} from "../validation.js";
import type { Route, RouteContext } from "./router.js";

const ok = (body: unknown): HandlerResult => ({ status: 200, body });
const created = (body: unknown): HandlerResult => ({ status: 201, body });
const noContent = (): HandlerResult => ({ status: 204 });
const p = (ctx: RouteContext, i: number): string => ctx.params[i] ?? "";

const nullableName = { nullable: true, check: isString({ max: 256 }) } as const;

function roleCheck(ctx: RouteContext) {
  return (value: unknown, field: string) => {
    if (typeof value !== "string") return { field, code: "invalid_type", message: "must be a string" };
    if (!ctx.store.isRole(value)) {
      const roles = Object.keys(ctx.store.options.roles).join(", ");
      return { field, code: "invalid", message: `must be one of the environment's roles (${roles})` };
    }
    return null;
  };
}

// ------------------------------------------------------------------------------------------ organizations

const organizationRoutes: Route[] = [
  {
    method: "POST",
    path: "/v1/organizations",
    handler: (ctx) => {
      rejectQuery(ctx.query);
      const body = parseBody(ctx.body, {
        name: { required: true, check: isNonBlankString() },
        slug: { required: true, check: isSlug },
        domain: { nullable: true, check: isDomain },
        metadata: { check: isMetadata },
      });
      return created(
        ctx.store.createOrganization({
          name: body.name as string,
          slug: body.slug as string,
          domain: (body.domain as string | null | undefined) ?? null,
          metadata: (body.metadata as Record<string, string> | undefined) ?? {},
        }),
      );
    },
  },
  {
    method: "GET",
    path: "/v1/organizations",
    handler: (ctx) => {
      const { list, filters } = parseListQuery(ctx.query, ["slug", "domain"]);
      return ok(ctx.store.listOrganizations(list, filters));
    },
  },
  {
    method: "GET",
    path: "/v1/organizations/:id",
    handler: (ctx) => {
      rejectQuery(ctx.query);
      return ok(ctx.store.getOrganization(p(ctx, 0)));
    },
  },
  {
    method: "PATCH",
    path: "/v1/organizations/:id",
    handler: (ctx) => {
      rejectQuery(ctx.query);
      const body = parseBody(ctx.body, {
        name: { check: isNonBlankString() },
        slug: { check: isSlug },
        domain: { nullable: true, check: isDomain },
        metadata: { check: isMetadata },
      });
      return ok(ctx.store.updateOrganization(p(ctx, 0), body));
    },
  },
  {
    method: "DELETE",
    path: "/v1/organizations/:id",
    handler: (ctx) => {
      rejectQuery(ctx.query);
      ctx.store.deleteOrganization(p(ctx, 0));
      return noContent();
    },
  },
];

// ------------------------------------------------------------------------------------------ users

const userRoutes: Route[] = [
  {
    method: "POST",
    path: "/v1/users",
    handler: (ctx) => {
      rejectQuery(ctx.query);
      const body = parseBody(ctx.body, {
        email: { required: true, check: isEmail },
        firstName: nullableName,
        lastName: nullableName,
        emailVerified: { check: isBoolean },
        metadata: { check: isMetadata },
      });
      return created(ctx.store.createUser(body as { email: string }));
    },
  },
  {
    method: "GET",
    path: "/v1/users",
    handler: (ctx) => {
      const { list, filters } = parseListQuery(ctx.query, ["email"]);
      return ok(ctx.store.listUsers(list, filters));
    },
  },
  {
    method: "GET",
    path: "/v1/users/:id",
    handler: (ctx) => {
      rejectQuery(ctx.query);
      return ok(ctx.store.getUser(p(ctx, 0)));
    },
  },
  {
    method: "PATCH",
    path: "/v1/users/:id",
    handler: (ctx) => {
      rejectQuery(ctx.query);
      const body = parseBody(ctx.body, {
        email: { check: isEmail },
        firstName: nullableName,
        lastName: nullableName,
        emailVerified: { check: isBoolean },
        metadata: { check: isMetadata },
      });
      return ok(ctx.store.updateUser(p(ctx, 0), body));
    },
  },
  {
    method: "DELETE",
    path: "/v1/users/:id",
    handler: (ctx) => {
      rejectQuery(ctx.query);
      ctx.store.deleteUser(p(ctx, 0));
      return noContent();
    },
  },
  {
    method: "GET",
    path: "/v1/users/:id/memberships",
    handler: (ctx) => {
      const { list } = parseListQuery(ctx.query);
      return ok(ctx.store.listUserMemberships(p(ctx, 0), list));
    },
  },
  {
    method: "GET",
    path: "/v1/users/:id/sessions",
    handler: (ctx) => {
      const { list } = parseListQuery(ctx.query);
      return ok(ctx.store.listUserSessions(p(ctx, 0), list));
    },
  },
];

// ------------------------------------------------------------------------------------------ memberships

const membershipRoutes: Route[] = [
  {
    method: "POST",
    path: "/v1/organizations/:orgId/memberships",
    handler: (ctx) => {
      rejectQuery(ctx.query);
      const body = parseBody(
        ctx.body,
        { userId: { required: true, check: isId("user") }, role: { check: roleCheck(ctx) } },
        { readOnly: ["organizationId"] },
      );
      return created(
        ctx.store.addMembership(p(ctx, 0), {
          userId: body.userId as string,
          role: (body.role as string | undefined) ?? "member",
        }),
      );
    },
  },
  {
    method: "GET",
    path: "/v1/organizations/:orgId/memberships",
    handler: (ctx) => {
      const { list } = parseListQuery(ctx.query);
      return ok(ctx.store.listMemberships(p(ctx, 0), list));
    },
  },
  {
    method: "PATCH",
    path: "/v1/organizations/:orgId/memberships/:userId",
    handler: (ctx) => {
      rejectQuery(ctx.query);
      const body = parseBody(
        ctx.body,
        { role: { required: true, check: roleCheck(ctx) } },
        { readOnly: ["organizationId", "userId"] },
      );
      return ok(ctx.store.updateMembership(p(ctx, 0), p(ctx, 1), { role: body.role as string }));
    },
  },
  {
    method: "DELETE",
    path: "/v1/organizations/:orgId/memberships/:userId",
    handler: (ctx) => {
      rejectQuery(ctx.query);
      ctx.store.removeMembership(p(ctx, 0), p(ctx, 1));
      return noContent();
    },
  },
];

// ------------------------------------------------------------------------------------------ sessions

const sessionRoutes: Route[] = [
  {
    method: "POST",
    path: "/v1/sessions",
    handler: (ctx) => {
      rejectQuery(ctx.query);
      const body = parseBody(ctx.body, {
        userId: { required: true, check: isId("user") },
        organizationId: { nullable: true, check: isId("org") },
      });
      return created(
        ctx.auth.createSession(
          body.userId as string,
          (body.organizationId as string | null | undefined) ?? null,
        ),
      );
    },
  },
  {
    method: "POST",
    path: "/v1/sessions/authenticate",
    handler: (ctx) => {
      rejectQuery(ctx.query);
      const body = parseBody(ctx.body, { code: { required: true, check: isString({ min: 1, max: 512 }) } });
      return ok(ctx.auth.authenticate(body.code as string));
    },
  },
  {
    method: "POST",
    path: "/v1/sessions/refresh",
    handler: (ctx) => {
      rejectQuery(ctx.query);
      const body = parseBody(ctx.body, {
        refreshToken: { required: true, check: isString({ min: 1, max: 512 }) },
        organizationId: { check: isId("org") },
      });
      return ok(ctx.auth.refresh(body.refreshToken as string, body.organizationId as string | undefined));
    },
  },
  {
    method: "GET",
    path: "/v1/sessions/:id",
    handler: (ctx) => {
      rejectQuery(ctx.query);
      return ok(ctx.store.getSession(p(ctx, 0)));
    },
  },
  {
    method: "POST",
    path: "/v1/sessions/:id/switch-org",
    handler: (ctx) => {
      rejectQuery(ctx.query);
      const body = parseBody(ctx.body, { organizationId: { required: true, check: isId("org") } });
      return ok(ctx.auth.switchOrganization(p(ctx, 0), body.organizationId as string));
    },
  },
  {
    method: "POST",
    path: "/v1/sessions/:id/revoke",
    handler: (ctx) => {
      rejectQuery(ctx.query);
      parseBody(ctx.body, {});
      return ok(ctx.store.revokeSession(p(ctx, 0)));
    },
  },
];

// ------------------------------------------------------------------------------------------ JWKS

const jwksRoutes: Route[] = [
  {
    method: "GET",
    path: "/v1/jwks",
    handler: (ctx) => {
      rejectQuery(ctx.query);
      return {
        status: 200,
        body: { keys: ctx.keys.publicKeys() },
        headers: { "cache-control": "public, max-age=300" },
      };
    },
  },
];

export const managementRoutes: Route[] = [
  ...jwksRoutes,
  ...organizationRoutes,
  ...userRoutes,
  ...membershipRoutes,
  ...sessionRoutes,
];
