import { z } from 'zod';
import { AppError } from '../../app-error.ts';
import type { ApiKeyService, ApiKeyView } from '../../api-keys/api-key-service.ts';
import { route } from './route-spec.ts';

const tag = 'API keys';
const byId = z.strictObject({ id: z.string().min(1).max(32) });
const iso = (date: Date | null) => date?.toISOString() ?? null;

const apiKeyView = z.object({
  id: z.string().describe('The public part, the client_id'), name: z.string(), owner: z.string().nullable(), scopes: z.array(z.string()),
  resource: z.string().nullable(), expires_at: z.string().nullable(), revoked_at: z.string().nullable(), last_used_at: z.string().nullable(),
  created_by: z.string(), created_at: z.string(),
});
const asJson = (k: ApiKeyView): z.infer<typeof apiKeyView> => ({
  id: k.id, name: k.name, owner: k.owner, scopes: k.scopes, resource: k.resource, expires_at: iso(k.expiresAt), revoked_at: iso(k.revokedAt),
  last_used_at: iso(k.lastUsedAt), created_by: k.createdBy, created_at: k.createdAt.toISOString(),
});

export const apiKeyRoutes = (apiKeys: ApiKeyService) => [
  route({
    method: 'get', path: '/api-keys', summary: 'List API keys (never their secrets)', tag, scope: 'admin:read',
    response: { status: 200, schema: z.object({ items: z.array(apiKeyView) }), description: 'Every key, revoked and expired ones included.' },
    handle: async () => ({ body: { items: (await apiKeys.list()).map(asJson) } }),
  }),
  route({
    method: 'post', path: '/api-keys', summary: 'Create an API key: a client_credentials credential, shown this once', tag, scope: 'admin:write',
    body: z.strictObject({
      name: z.string().min(1).max(100), scopes: z.array(z.string().min(1)).min(1), expires_in_days: z.number().int().min(1).max(3650).optional(),
      owner: z.uuid().optional().describe('The account the key acts for'), resource: z.string().min(1).optional(),
    }),
    response: { status: 201, schema: z.object({ api_key: apiKeyView, key: z.string().describe('The full key (client_secret), shown this once.') }), description: 'The key.' },
    handle: async ({ body, caller }) => {
      const { key, apiKey } = await apiKeys.create({
        name: body.name, scopes: body.scopes, expiresInDays: body.expires_in_days, owner: body.owner, resource: body.resource,
      }, caller.actor);
      return { status: 201, body: { api_key: asJson(apiKey), key }, location: `/api-keys/${apiKey.id}` };
    },
  }),
  route({
    method: 'get', path: '/api-keys/{id}', summary: 'Read an API key', tag, scope: 'admin:read', params: byId,
    response: { status: 200, schema: apiKeyView, description: 'The key (never its secret).' },
    handle: async ({ params }) => {
      const apiKey = await apiKeys.find(params.id);
      if (!apiKey) throw new AppError('api_key_not_found', 404, `no API key ${params.id}`);
      return { body: asJson(apiKey) };
    },
  }),
  route({
    method: 'post', path: '/api-keys/{id}/revoke', summary: 'Revoke an API key, at once on every node', tag, scope: 'admin:write', params: byId,
    response: { status: 204, description: 'The key is revoked.' },
    handle: async ({ params, caller }) => {
      await apiKeys.revoke(params.id, caller.actor);
      return {};
    },
  }),
];
