import { validationError } from "../errors.js";
import { type FaultRule, type Faults, type RateLimitRule, validateFaultRule } from "../faults.js";
import type { HandlerResult } from "../http.js";
import type { RotateOptions } from "../keys.js";
import { applySeed, type Seed } from "../seed.js";
import { signJwt } from "../tokens.js";
import { isBoolean, parseBody, rejectQuery } from "../validation.js";
import type { Route, RouteContext } from "./router.js";

/** What the admin surface can change at runtime (see `server.ts`). */
export interface AdminControl {
  faults: Faults;
  getConfig(): { accessTokenTtlSeconds: number; clockOffsetSeconds: number };
  setConfig(patch: { accessTokenTtlSeconds?: number; clockOffsetSeconds?: number }): void;
  rotateKeys(options: RotateOptions): { kid: string; activatesAt: string };
  webhookDeliveries(): unknown[];
  reset(): void;
}

const intCheck = (min: number, max: number) => (value: unknown, field: string) =>
  typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
    ? null
    : { field, code: "out_of_range", message: `must be an integer from ${min} to ${max}` };

/**
 * The local-only admin surface, all under `/v1/_local/` and guarded by the secret key like the rest.
 * Faults never apply to these routes.
 */
export function adminRoutes(control: AdminControl): Route[] {
  return [
    {
      method: "GET",
      path: "/v1/_local/faults",
      handler: (ctx) => {
        rejectQuery(ctx.query);
        return { status: 200, body: control.faults.list() };
      },
    },
    {
      method: "POST",
      path: "/v1/_local/faults",
      handler: (ctx) => {
        rejectQuery(ctx.query);
        const body = parseBody(ctx.body, {
          faults: {
            check: (v, field) =>
              Array.isArray(v) ? null : { field, code: "invalid_type", message: "must be an array" },
          },
          rateLimit: {
            nullable: true,
            check: (v, field) => {
              if (typeof v !== "object" || v === null || Array.isArray(v)) {
                return { field, code: "invalid_type", message: "must be an object" };
              }
              const { limit, windowSeconds, ...rest } = v as Record<string, unknown>;
              const unknown = Object.keys(rest)[0];
              if (unknown)
                return {
                  field: `${field}.${unknown}`,
                  code: "unknown_field",
                  message: "is not a known field",
                };
              return (
                intCheck(1, 1_000_000)(limit, `${field}.limit`) ??
                intCheck(1, 86_400)(windowSeconds, `${field}.windowSeconds`)
              );
            },
          },
        });
        const rules = ((body.faults as unknown[] | undefined) ?? []).map((r, i) => validateFaultRule(r, i));
        const ids = rules.map((rule: FaultRule) => control.faults.add(rule));
        if (body.rateLimit !== undefined) control.faults.setRateLimit(body.rateLimit as RateLimitRule | null);
        return { status: 201, body: { ids, ...control.faults.list() } };
      },
    },
    {
      method: "DELETE",
      path: "/v1/_local/faults",
      handler: (ctx) => {
        rejectQuery(ctx.query);
        control.faults.clear();
        return { status: 204 };
      },
    },
    {
      method: "GET",
      path: "/v1/_local/config",
      handler: (ctx) => {
        rejectQuery(ctx.query);
        return { status: 200, body: control.getConfig() };
      },
    },
    {
      method: "PATCH",
      path: "/v1/_local/config",
      handler: (ctx) => {
        rejectQuery(ctx.query);
        const body = parseBody(ctx.body, {
          accessTokenTtlSeconds: { check: intCheck(1, 31_536_000) },
          clockOffsetSeconds: { check: intCheck(-315_360_000, 315_360_000) },
        });
        control.setConfig(body);
        return { status: 200, body: control.getConfig() };
      },
    },
    {
      method: "POST",
      path: "/v1/_local/keys/rotate",
      handler: (ctx) => {
        rejectQuery(ctx.query);
        const body = parseBody(ctx.body, {
          algorithm: {
            check: (v, field) =>
              v === "ES256" || v === "RS256"
                ? null
                : { field, code: "invalid", message: "must be ES256 or RS256" },
          },
          publishDelaySeconds: { check: intCheck(0, 31_536_000) },
          retainSeconds: { check: intCheck(0, 31_536_000) },
        });
        return { status: 201, body: control.rotateKeys(body as RotateOptions) };
      },
    },
    {
      method: "POST",
      path: "/v1/_local/seed",
      handler: (ctx) => {
        rejectQuery(ctx.query);
        return { status: 200, body: applySeed(ctx.store, (ctx.body ?? {}) as Seed) };
      },
    },
    {
      method: "POST",
      path: "/v1/_local/tokens",
      handler: (ctx: RouteContext): HandlerResult => {
        // Signs arbitrary claims with the current key: for testing verifiers against odd but validly
        // signed tokens (expired, wrong issuer, extra claims). Nothing is checked or stored.
        rejectQuery(ctx.query);
        const body = parseBody(ctx.body, {
          claims: {
            required: true,
            check: (v, field) =>
              typeof v === "object" && v !== null && !Array.isArray(v)
                ? null
                : { field, code: "invalid_type", message: "must be an object" },
          },
          header: {
            check: (v, field) =>
              typeof v === "object" && v !== null && !Array.isArray(v)
                ? null
                : { field, code: "invalid_type", message: "must be an object" },
          },
        });
        const token = signJwt(
          ctx.keys,
          body.claims as Parameters<typeof signJwt>[1],
          (body.header as Record<string, unknown>) ?? {},
        );
        return { status: 201, body: { token } };
      },
    },
    {
      method: "GET",
      path: "/v1/_local/webhooks/deliveries",
      handler: (ctx) => {
        rejectQuery(ctx.query);
        return { status: 200, body: { data: control.webhookDeliveries() } };
      },
    },
    {
      method: "POST",
      path: "/v1/_local/reset",
      handler: (ctx) => {
        rejectQuery(ctx.query);
        const body = parseBody(ctx.body, { confirm: { required: true, check: isBoolean } });
        if (body.confirm !== true) {
          throw validationError([{ field: "confirm", code: "invalid", message: "must be true" }]);
        }
        control.reset();
        return { status: 204 };
      },
    },
  ];
}
