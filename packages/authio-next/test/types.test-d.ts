import { Authio, type AuthResult, type Session } from "@authio/node";
import type { NextRequest } from "next/server.js";
import { describe, expectTypeOf, it } from "vitest";
import {
  type AuthioProxy,
  authioProxy,
  createAuthioNext,
  getAuthResult,
  getSession,
  type RouteParams,
  withOptionalSession,
  withSession,
} from "../src/index.ts";

// The signature Next 16 checks route handler exports against (.next/types/validator.ts; `void` there).
type NextRouteHandler<Params> = (
  request: NextRequest,
  context: { params: Promise<Params> },
) => undefined | Response | Promise<undefined | Response>;

describe("withSession", () => {
  it("gives the handler a non-null Session, with no cast", () => {
    withSession(async (request, { session, params }) => {
      expectTypeOf(session).toEqualTypeOf<Session>();
      expectTypeOf(session.userId).toEqualTypeOf<string>();
      expectTypeOf(session.orgId).toEqualTypeOf<string | null>();
      expectTypeOf(request).toEqualTypeOf<Request>();
      expectTypeOf(params).toEqualTypeOf<Promise<RouteParams>>();
      return Response.json({ userId: session.userId });
    });
  });

  it("types params and a NextRequest when the route names them", () => {
    const GET = withSession<{ id: string }, NextRequest>(async (request, { params, session }) => {
      expectTypeOf(await params).toEqualTypeOf<{ id: string }>();
      expectTypeOf(request.nextUrl.pathname).toEqualTypeOf<string>();
      expectTypeOf(session).toEqualTypeOf<Session>();
      return new Response(null);
    });
    expectTypeOf(GET).toExtend<NextRouteHandler<{ id: string }>>();
  });

  it("infers params from an annotated context", () => {
    withSession(async (_request, { params }: { params: Promise<{ slug: string[] }>; session: Session }) => {
      expectTypeOf(await params).toEqualTypeOf<{ slug: string[] }>();
      return new Response(null);
    });
  });

  it("the wrapped export satisfies Next's route handler signature", () => {
    const GET = withSession(async () => new Response(null));
    expectTypeOf(GET).toExtend<NextRouteHandler<Record<string, never>>>();
    expectTypeOf(GET).toExtend<NextRouteHandler<{ id: string }>>();
  });

  it("accepts organization / role / permission requirements, and nothing else", () => {
    withSession(async () => new Response(null), { organization: true, role: ["admin"], permission: "a:b" });
    // @ts-expect-error a misspelt requirement is a type error
    withSession(async () => new Response(null), { rol: "admin" });
  });

  it("requires the handler to return a Response", () => {
    // @ts-expect-error not a Response
    withSession(async () => "text");
  });
});

describe("withOptionalSession", () => {
  it("gives the handler Session | null", () => {
    withOptionalSession(async (_request, { session }) => {
      expectTypeOf(session).toEqualTypeOf<Session | null>();
      // @ts-expect-error the session may be null
      session.userId;
      return new Response(session?.userId ?? "anonymous");
    });
  });
});

describe("getSession / getAuthResult / authioProxy", () => {
  it("are typed", () => {
    expectTypeOf(getSession).returns.toEqualTypeOf<Promise<Session | null>>();
    expectTypeOf(getAuthResult).returns.toEqualTypeOf<Promise<AuthResult>>();
    expectTypeOf(authioProxy({ public: ["/"] })).toEqualTypeOf<AuthioProxy>();
    // Next's proxy gets a NextRequest.
    expectTypeOf(authioProxy()).toBeCallableWith({} as NextRequest);
  });

  it("the factory returns the same API bound to one client", () => {
    const authio = createAuthioNext({ authio: () => new Authio({ apiKey: "sk_test_types" }) });
    expectTypeOf(authio.withSession).toEqualTypeOf(withSession);
    expectTypeOf(authio.getSession).toEqualTypeOf(getSession);
    expectTypeOf(authio.authioRoutes().GET).toEqualTypeOf<(request: Request) => Promise<Response>>();
    // @ts-expect-error a client must make the request-level decision
    createAuthioNext({ authio: {} });
  });
});
