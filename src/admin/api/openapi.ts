import { z } from 'zod';
import { ADMIN_SCOPES, adminResource } from './admin-resource.ts';
import type { RouteSpec } from './route-spec.ts';

type JsonSchema = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const errorBody = {
  type: 'object', required: ['error', 'error_description'],
  properties: { error: { type: 'string' }, error_description: { type: 'string' } },
};

/** Path or query parameters from an object schema, one OpenAPI parameter per property. */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema & { description?: string }>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name, in: where, required: where === 'path' || (object.required ?? []).includes(name),
    ...(property.description ? { description: property.description } : {}), schema: property,
  }));
}

function responses(spec: RouteSpec): Record<string, unknown> {
  const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  const { status, schema, ndjson, description } = spec.response;
  const success = ndjson
    ? { description, content: { 'application/x-ndjson': { schema: schema ? jsonSchema(schema, 'output') : {} } } }
    : { description, ...(schema ? { content: { 'application/json': { schema: jsonSchema(schema, 'output') } } } : {}) };
  return {
    [status]: success,
    ...(spec.params || spec.query || spec.body ? { 400: error('The request is malformed; the message names the field.') } : {}),
    401: error('No access token, or not a valid admin API token.'),
    403: error('The token lacks the scope this route needs.'),
    ...(spec.params ? { 404: error('No such object.') } : {}),
    ...(spec.method === 'post' && !spec.params ? { 409: error('An object with that key exists already.') } : {}),
    ...(spec.ifMatch ? { 412: error('The object changed since the ETag given in If-Match.') } : {}),
    ...(spec.ifMatch === 'required' ? { 428: error('If-Match is missing.') } : {}),
  };
}

/** The OpenAPI 3.1 document of the admin API, generated from the same route table that serves it. */
export function openApiDocument(routes: RouteSpec[], issuer: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of routes) {
    paths[spec.path] ??= {};
    paths[spec.path]![spec.method] = {
      summary: spec.summary,
      tags: [spec.tag],
      operationId: `${spec.method}${spec.path.replace(/\{(\w+)\}/g, 'By_$1').split(/[/_-]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}`,
      security: [{ adminToken: [spec.scope] }],
      parameters: [
        ...parameters(spec.params, 'path'),
        ...parameters(spec.query, 'query'),
        ...(spec.ifMatch ? [{ name: 'If-Match', in: 'header', required: spec.ifMatch === 'required', schema: { type: 'string' }, description: 'The ETag of the version read (RFC 9110 §13.1.1).' }] : []),
      ],
      ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } } } : {}),
      responses: responses(spec),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gatehouse admin API', version: '1',
      description: `Tokens: client_credentials with scope admin:read and/or admin:write (resource ${adminResource(issuer)}), `
        + 'for clients registered with those scopes; admin:write includes reading. Updates need If-Match with the ETag last read.',
    },
    servers: [{ url: `${issuer}/admin/api/v1` }],
    paths,
    components: {
      schemas: { Error: errorBody },
      securitySchemes: {
        adminToken: {
          type: 'oauth2',
          flows: { clientCredentials: { tokenUrl: `${issuer}/token`, scopes: Object.fromEntries(ADMIN_SCOPES.map((s) => [s, s === 'admin:read' ? 'read everything' : 'read and change everything'])) } },
        },
      },
    },
  };
}
