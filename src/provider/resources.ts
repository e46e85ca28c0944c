import { errors, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import type { Config, ResourceServerSetting } from '../config/config.ts';
import { ADMIN_SCOPES, ADMIN_TOKEN_TTL_SECONDS, adminResource, adminScopesOf } from '../admin/api/admin-resource.ts';
import { isApiKeyId, type ApiKey } from '../api-keys/api-key.ts';

/**
 * RFC 8707 resource indicators. Tokens for a resource carry its audience and scopes, as RFC 9068
 * JWTs or opaque (introspected) per resource; without one, an authorization code's access token
 * is opaque and good for userinfo only. client_credentials requests that name no resource get
 * the default resource (DEFAULT_RESOURCE); an API key gets its own resource (the only one it may
 * name), and only its own scopes there.
 */
export function resourceServers(config: Config): Map<string, ResourceServer> {
  const settings: ResourceServerSetting[] = [
    { identifier: config.defaultResource, scopes: config.defaultResourceScopes, format: 'jwt' },
    ...config.resourceServers,
    { identifier: adminResource(config.issuer), scopes: ADMIN_SCOPES.join(' '), format: 'opaque', ttl: ADMIN_TOKEN_TTL_SECONDS },
  ];
  return new Map<string, ResourceServer>(settings.map((r) => [r.identifier, {
    scope: r.scopes,
    audience: r.identifier,
    accessTokenFormat: r.format,
    accessTokenTTL: r.ttl ?? config.ttl.accessToken,
    ...(r.format === 'jwt' ? { jwt: { sign: { alg: r.alg ?? config.accessTokenSigningAlg } } } : {}),
  }]));
}

export function resourceIndicators(config: Config, servers: Map<string, ResourceServer>, apiKeys: { find(id: string): Promise<ApiKey | undefined> }) {
  const keyOf = async (client?: { clientId: string }) => (isApiKeyId(client?.clientId) ? apiKeys.find(client.clientId) : undefined);
  return {
    enabled: true,
    async defaultResource(ctx: KoaContextWithOIDC, client: { clientId: string } | undefined, oneOf?: string | string[]) {
      if (oneOf) return oneOf;
      if (ctx.oidc.params?.grant_type !== 'client_credentials') return undefined;
      const own = (await keyOf(client))?.resource;
      if (own) return own;
      // a machine asking for admin scopes means the admin API
      const asked = String(ctx.oidc.params?.scope ?? '').split(' ');
      return asked.some((scope) => (ADMIN_SCOPES as readonly string[]).includes(scope)) ? adminResource(config.issuer) : config.defaultResource;
    },
    async useGrantedResource() {
      return true;
    },
    async getResourceServerInfo(_ctx: KoaContextWithOIDC, indicator: string, client: { clientId: string; scope?: string }) {
      const server = servers.get(indicator);
      if (!server) throw new errors.InvalidTarget(`unknown resource ${indicator}`);
      const key = await keyOf(client);
      if (key) {
        // an API key reaches its own resource only, with no more than its scopes (never the admin API)
        if ((key.resource ?? config.defaultResource) !== indicator) throw new errors.InvalidTarget(`this API key is for ${key.resource ?? config.defaultResource} only`);
        return { ...server, scope: server.scope.split(' ').filter((scope) => key.scopes.includes(scope)).join(' ') };
      }
      if (indicator !== adminResource(config.issuer)) return server;
      // Resource scopes are not checked against the client's registered scope by oidc-provider:
      // admin scopes go only to clients registered with them.
      const allowed = adminScopesOf(client.scope);
      if (!allowed.length) throw new errors.InvalidTarget('this client is not registered for the admin API (its scope lists no admin:read or admin:write)');
      return { ...server, scope: allowed.join(' ') };
    },
  };
}
