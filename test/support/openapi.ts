import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
const METHODS: HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

export interface ApiRoute {
  /** e.g. `PATCH /api/enterprises/{id}`: the key the security tables use. */
  key: string;
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/api/enterprises/{id}`. */
  path: string;
  pathParams: string[];
  /** `application/json` or `multipart/form-data` when the route takes a body. */
  bodyType: string | null;
  /** The request body's top-level properties as OpenAPI describes them (for the fuzz). */
  bodyProps: Record<string, OpenApiSchema>;
  queryParams: string[];
}

export interface OpenApiSchema {
  type?: string;
  enum?: unknown[];
  items?: OpenApiSchema;
  example?: unknown;
  nullable?: boolean;
  $ref?: string;
  properties?: Record<string, OpenApiSchema>;
}

interface OpenApiOperation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema: OpenApiSchema }> };
}

/**
 * Every route of the api as the OpenAPI document built from the running app describes it (the
 * same document `/api/docs` serves when API_DOCS is on), so the security suite covers what the
 * app actually routes, not a hand-kept list.
 */
export function apiRoutes(app: INestApplication): ApiRoute[] {
  const doc = SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth().build());
  const schemas = (doc.components?.schemas ?? {}) as Record<string, OpenApiSchema>;
  const resolve = (s: OpenApiSchema | undefined): OpenApiSchema | undefined => (s?.$ref ? schemas[s.$ref.split('/').pop() as string] : s);
  const routes: ApiRoute[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = (ops as Record<string, OpenApiOperation | undefined>)[method];
      if (!op) continue;
      const content = op.requestBody?.content ?? {};
      const bodyType = Object.keys(content)[0] ?? null;
      const schema = bodyType ? resolve(content[bodyType].schema) : undefined;
      const bodyProps: Record<string, OpenApiSchema> = {};
      for (const [k, v] of Object.entries(schema?.properties ?? {})) bodyProps[k] = resolve(v) ?? v;
      routes.push({
        key: `${method.toUpperCase()} ${path}`,
        method,
        path,
        pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        bodyType,
        bodyProps,
      });
    }
  }
  return routes;
}

/** The template with each `{param}` replaced (URI-encoded). */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (!(name in values)) throw new Error(`no value for path parameter ${name} of ${template}`);
    return encodeAny(values[name]);
  });
}

/**
 * encodeURIComponent, except that a lone surrogate (which it refuses) is sent as the bytes its
 * UTF-8 form would have, ED A0 80: invalid UTF-8 on the wire, which is what an attacker can send.
 */
export function encodeAny(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s.replace(/[\uD800-\uDFFF]|[^\uD800-\uDFFF]+/g, (part) => (/^[\uD800-\uDFFF]$/.test(part) ? '%ED%A0%80' : encodeURIComponent(part)));
  }
}

/** `a=1&b=x&b=y`, encoded with encodeAny. */
export function queryString(query: Record<string, string | string[]>): string {
  return Object.entries(query)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encodeAny(k)}=${encodeAny(x)}`))
    .join('&');
}

/**
 * One digest per table of the database (its rows' text, order-free), for "nothing was written":
 * compare two digests and name the tables that differ. Tables in `exclude` are left out (see the
 * callers for why each is).
 */
export async function tableDigests(db: DataSource, exclude: readonly string[]): Promise<() => Promise<Map<string, string>>> {
  const tables: { name: string }[] = await db.query(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND NOT (tablename = ANY($1)) ORDER BY tablename`,
    [exclude],
  );
  const sql = tables
    .map((t) => `SELECT '${t.name}' AS name, md5(coalesce(string_agg(md5(x::text), '' ORDER BY md5(x::text)), '')) AS digest FROM "${t.name}" x`)
    .join(' UNION ALL ');
  return async () => new Map((await db.query(sql)).map((r: { name: string; digest: string }) => [r.name, r.digest]));
}

/** The tables whose digest differs. */
export function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after.keys()].filter((k) => before.get(k) !== after.get(k));
}
