import { z } from 'zod';
import { samlSpFields } from '../../import/import-schema.ts';
import type { ManagedServiceProviders } from '../manage-service-providers.ts';
import { route } from './route-spec.ts';
import { pageOf, pageQuery, serviceProviderView } from './schemas.ts';

const tag = 'SAML service providers';
const byId = z.strictObject({ entity_id: z.string().min(1).max(1024).describe('The entity ID, URL-encoded.') });
// Over the API metadata comes inline or from a URL; a file path would read the server's disk.
const { metadata_file: _file, ...fields } = samlSpFields;
const oneSource = (sp: { metadata?: string; metadata_url?: string }) => !(sp.metadata !== undefined && sp.metadata_url !== undefined);

export const samlSpRoutes = (sps: ManagedServiceProviders) => [
  route({
    method: 'get', path: '/saml-service-providers', summary: 'List SAML service providers', tag, scope: 'admin:read', query: z.strictObject(pageQuery),
    response: { status: 200, schema: pageOf(serviceProviderView), description: 'A page of SPs.' },
    handle: async ({ query }) => ({ body: await sps.page(query) }),
  }),
  route({
    method: 'post', path: '/saml-service-providers', summary: 'Add a SAML SP from its metadata (inline or a URL) and settings', tag, scope: 'admin:write',
    body: z.strictObject(fields).refine((sp) => [sp.metadata, sp.metadata_url].filter((m) => m !== undefined).length === 1, 'give exactly one of metadata or metadata_url'),
    response: { status: 201, schema: serviceProviderView, description: 'The SP added.' },
    handle: async ({ body, caller }) => {
      const sp = await sps.create(caller.actor, body);
      return { body: sp, version: sp, location: `/saml-service-providers/${encodeURIComponent(sp.entity_id)}` };
    },
  }),
  route({
    method: 'get', path: '/saml-service-providers/{entity_id}', summary: 'Read a SAML SP', tag, scope: 'admin:read', params: byId,
    response: { status: 200, schema: serviceProviderView, description: 'The SP, with its ETag.' },
    handle: async ({ params }) => {
      const sp = await sps.get(params.entity_id);
      return { body: sp, version: sp };
    },
  }),
  route({
    method: 'put', path: '/saml-service-providers/{entity_id}', summary: "Replace a SAML SP's settings, and its metadata when given", tag, scope: 'admin:write',
    params: byId, ifMatch: 'required', body: z.strictObject(fields).refine(oneSource, 'give at most one of metadata or metadata_url'),
    response: { status: 200, schema: serviceProviderView, description: 'The SP as changed, with its new ETag.' },
    handle: async ({ params, body, caller, ifMatch }) => {
      const sp = await sps.update(caller.actor, params.entity_id, body, ifMatch);
      return { body: sp, version: sp };
    },
  }),
  route({
    method: 'delete', path: '/saml-service-providers/{entity_id}', summary: 'Remove a SAML SP', tag, scope: 'admin:write', params: byId, ifMatch: 'optional',
    response: { status: 204, description: 'The SP is gone.' },
    handle: async ({ params, caller, ifMatch }) => {
      await sps.delete(caller.actor, params.entity_id, ifMatch);
      return {};
    },
  }),
];
