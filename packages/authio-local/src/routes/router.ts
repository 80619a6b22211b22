import type { Auth } from "../auth.js";
import type { Store } from "../db/store.js";
import type { HandlerResult } from "../http.js";
import type { KeyRing } from "../keys.js";

export interface RouteContext {
  params: string[];
  query: URLSearchParams;
  body: unknown;
  store: Store;
  auth: Auth;
  keys: KeyRing;
}

export interface Route {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Path pattern with `:param` segments, e.g. `/v1/organizations/:id`. */
  path: string;
  handler: (ctx: RouteContext) => HandlerResult;
}

interface CompiledRoute extends Route {
  regex: RegExp;
}

/** A tiny router: exact segments and `:param` captures; 404 for an unknown path, 405-style 404 otherwise. */
export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(routes: readonly Route[]): this {
    for (const route of routes) {
      const pattern = route.path
        .split("/")
        .map((seg) => (seg.startsWith(":") ? "([^/]+)" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
        .join("/");
      this.routes.push({ ...route, regex: new RegExp(`^${pattern}$`) });
    }
    return this;
  }

  match(method: string, path: string): { route: Route; params: string[] } | null {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.regex.exec(path);
      if (m) {
        const params = m.slice(1).map((p) => {
          try {
            return decodeURIComponent(p);
          } catch {
            return p;
          }
        });
        return { route, params };
      }
    }
    return null;
  }
}
