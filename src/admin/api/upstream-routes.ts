import { z } from 'zod';
import { oidcIdentityProvider, samlUpstreamFields } from '../../import/import-schema.ts';
import type { ManagedUpstreams } from '../manage-upstreams.ts';
import { route } from './route-spec.ts';
import { pageOf, pageQuery, upstreamView } from './schemas.ts';

const tag = 'Upstream identity providers';
const byId = z.strictObject({ id: z.string().min(1).max(63) });
// Over the API SAML metadata comes inline or from a URL; a file path would read the server's disk.
const { metadata_file: _file, ...samlFields } = samlUpstreamFields;
const upstreamInput = z.discriminatedUnion('kind', [
  oidcIdentityProvider.extend({ kind: z.literal('oidc') }),
  z.strictObject({ ...samlFields, kind: z.literal('saml') })
    .refine((idp) => [idp.metadata, idp.metadata_url].filter((m) => m !== undefined).length === 1, 'give exactly one of metadata or metadata_url'),
]);

export const upstreamRoutes = (upstreams: ManagedUpstreams) => [
  route({
    method: 'get', path: '/identity-providers', summary: 'List upstream identity providers', tag, scope: 'admin:read', query: z.strictObject(pageQuery),
    response: { status: 200, schema: pageOf(upstreamView), description: 'A page of upstream IdPs (client secrets never shown).' },
    handle: async ({ query }) => ({ body: await upstreams.page(query) }),
  }),
  route({
    method: 'post', path: '/identity-providers', summary: 'Add an upstream OIDC provider or SAML IdP', tag, scope: 'admin:write', body: upstreamInput,
    response: { status: 201, schema: upstreamView, description: 'The upstream added.' },
    handle: async ({ body, caller }) => {
      const upstream = await upstreams.create(caller.actor, body);
      return { body: upstream, version: upstream, location: `/identity-providers/${upstream.id}` };
    },
  }),
  route({
    method: 'get', path: '/identity-providers/{id}', summary: 'Read an upstream identity provider', tag, scope: 'admin:read', params: byId,
    response: { status: 200, schema: upstreamView, description: 'The upstream, with its ETag.' },
    handle: async ({ params }) => {
      const upstream = await upstreams.get(params.id);
      return { body: upstream, version: upstream };
    },
  }),
  route({
    method: 'put', path: '/identity-providers/{id}', summary: 'Replace an upstream identity provider (a missing client_secret keeps the current one)', tag, scope: 'admin:write',
    params: byId, ifMatch: 'required', body: upstreamInput,
    response: { status: 200, schema: upstreamView, description: 'The upstream as changed, with its new ETag.' },
    handle: async ({ params, body, caller, ifMatch }) => {
      const upstream = await upstreams.replace(caller.actor, params.id, body, ifMatch);
      return { body: upstream, version: upstream };
    },
  }),
  route({
    method: 'delete', path: '/identity-providers/{id}', summary: 'Remove an upstream identity provider', tag, scope: 'admin:write', params: byId, ifMatch: 'optional',
    response: { status: 204, description: 'The upstream is gone.' },
    handle: async ({ params, caller, ifMatch }) => {
      await upstreams.delete(caller.actor, params.id, ifMatch);
      return {};
    },
  }),
];
