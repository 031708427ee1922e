import { badRequest, notFound, RapiError } from "./errors.js";
import type { QueryArgs, QuerySpec } from "./query-string.js";

/** The methods Ganeti's RAPI uses. */
export type HttpMethod = "GET" | "PUT" | "POST" | "DELETE";

/** What a request needs besides valid credentials; reads need any user, writes the users file's write option. */
export type Access = "read" | "write";

export interface RapiRequest {
  /** The path's parameters (`:node`, `:job`, ...), decoded and validated. */
  params: Readonly<Record<string, string>>;
  query: QueryArgs;
  /** The parsed JSON body; undefined when the request had none. */
  body: unknown;
  user: string;
}

/** JSON, or a text document of its own type (Prometheus's exposition format). */
export type RapiReply = { json: unknown } | { text: string; contentType: string };

export interface Endpoint {
  access: Access;
  /** The query parameters taken (besides `reason`); others are refused. */
  query?: QuerySpec;
  /** Whether the endpoint reads a JSON body; a body sent to one that does not is refused. */
  body?: "json";
  handle(request: RapiRequest): Promise<RapiReply>;
}

export interface Route {
  /** Literal segments and `:name` parameters, e.g. `/2/nodes/:node/tags`. */
  path: string;
  methods: Partial<Record<HttpMethod, Endpoint>>;
}

/** Checks one decoded path parameter and returns it, or throws a 400 or 404 naming it. */
export type ParamCheck = (value: string) => string;

export interface RouteMatch {
  endpoint: Endpoint;
  params: Record<string, string>;
  /** The route's pattern, for logs and messages. */
  pattern: string;
}

interface CompiledRoute {
  route: Route;
  segments: Array<{ literal: string } | { param: string; check: ParamCheck }>;
}

/**
 * Maps a method and a raw path to an endpoint. Segments are percent-decoded
 * one by one (so `%2f` never becomes a separator) and parameters checked by
 * their kind; a path matches nothing else, and nothing ever reaches the file
 * system.
 */
export class Router {
  private readonly routes: CompiledRoute[];

  constructor(routes: readonly Route[], checks: Readonly<Record<string, ParamCheck>>) {
    this.routes = routes.map((route) => ({
      route,
      segments: route.path
        .slice(1)
        .split("/")
        .map((segment) => {
          if (!segment.startsWith(":")) return { literal: segment };
          const check = checks[segment.slice(1)];
          if (check === undefined) throw new Error(`Route ${route.path} has a parameter without a check.`);
          return { param: segment.slice(1), check };
        }),
    }));
  }

  /** The endpoint for a request; 404 for an unknown path, 405 (naming the allowed methods) for a wrong method, 400 for a bad parameter. */
  match(method: string, rawPath: string): RouteMatch {
    const segments = rawPath.slice(1).split("/").map(decodeSegment);
    for (const { route, segments: pattern } of this.routes) {
      if (pattern.length !== segments.length) continue;
      // An empty segment ("/2/nodes/") is no parameter: such paths match nothing.
      if (!pattern.every((part, index) => ("literal" in part ? part.literal === segments[index] : segments[index] !== ""))) continue;
      const endpoint = Object.hasOwn(route.methods, method) ? route.methods[method as HttpMethod] : undefined;
      if (endpoint === undefined) {
        const allowed = Object.keys(route.methods).join(", ");
        throw new RapiError(405, `Method ${method} is not supported on ${route.path}; use ${allowed}.`, { allow: allowed });
      }
      const params: Record<string, string> = {};
      pattern.forEach((part, index) => {
        if ("param" in part) params[part.param] = part.check(segments[index]!);
      });
      return { endpoint, params, pattern: route.path };
    }
    throw notFound(`Nothing matches ${JSON.stringify(rawPath.slice(0, 256))}.`);
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`Malformed escape in the path segment ${JSON.stringify(segment.slice(0, 64))}.`);
  }
}
