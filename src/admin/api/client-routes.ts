import { z } from 'zod';
import { clientMetadataSchema, knownClientMetadata } from '../../import/import-schema.ts';
import type { ManagedClients } from '../manage-clients.ts';
import { route, SOME_CHANGE, someChange } from './route-spec.ts';
import { clientView, pageOf, pageQuery } from './schemas.ts';

const tag = 'OIDC clients';
const byId = z.strictObject({ client_id: z.string().min(1).max(255) });
const created = z.object({ client: clientView, client_secret: z.string().optional().describe('Generated secret, shown this once.'), warnings: z.array(z.string()) });

export const clientRoutes = (clients: ManagedClients) => [
  route({
    method: 'get', path: '/clients', summary: 'List OIDC clients', tag, scope: 'admin:read', query: z.strictObject(pageQuery),
    response: { status: 200, schema: pageOf(clientView), description: 'A page of clients (secrets never shown).' },
    handle: async ({ query }) => ({ body: await clients.page(query) }),
  }),
  route({
    method: 'post', path: '/clients', summary: 'Register a client (RFC 7591 metadata); a needed secret is generated unless given', tag, scope: 'admin:write',
    body: clientMetadataSchema,
    response: { status: 201, schema: created, description: 'The client, its generated secret once, and RFC 9700 warnings.' },
    handle: async ({ body, caller }) => {
      const result = await clients.create(caller.actor, body);
      return { body: result, version: result.client, location: `/clients/${encodeURIComponent(String(result.client.client_id))}` };
    },
  }),
  route({
    method: 'get', path: '/clients/{client_id}', summary: 'Read a client', tag, scope: 'admin:read', params: byId,
    response: { status: 200, schema: clientView, description: 'The client, with its ETag.' },
    handle: async ({ params }) => {
      const client = await clients.get(params.client_id);
      return { body: client, version: client };
    },
  }),
  route({
    method: 'patch', path: '/clients/{client_id}', summary: 'Change a client with a JSON merge patch (RFC 7396; null removes a field)', tag, scope: 'admin:write',
    params: byId, ifMatch: 'required', body: z.record(z.string(), z.unknown()).superRefine(knownClientMetadata).refine(someChange, SOME_CHANGE),
    response: { status: 200, schema: z.object({ client: clientView, warnings: z.array(z.string()) }), description: 'The client as changed, with its new ETag.' },
    handle: async ({ params, body, caller, ifMatch }) => {
      const result = await clients.update(caller.actor, params.client_id, body, ifMatch);
      return { body: result, version: result.client };
    },
  }),
  route({
    method: 'post', path: '/clients/{client_id}/rotate-secret', summary: 'Give a client a new secret (the old one stops working)', tag, scope: 'admin:write',
    params: byId, ifMatch: 'optional',
    response: { status: 200, schema: z.object({ client: clientView, client_secret: z.string() }), description: 'The new secret, shown this once.' },
    handle: async ({ params, caller, ifMatch }) => {
      const result = await clients.rotateSecret(caller.actor, params.client_id, ifMatch);
      return { body: result, version: result.client };
    },
  }),
  route({
    method: 'delete', path: '/clients/{client_id}', summary: 'Delete a client', tag, scope: 'admin:write', params: byId, ifMatch: 'optional',
    response: { status: 204, description: 'The client is gone.' },
    handle: async ({ params, caller, ifMatch }) => {
      await clients.delete(caller.actor, params.client_id, ifMatch);
      return {};
    },
  }),
];
