import { errors, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import type { Config, ResourceServerSetting } from '../config/config.ts';

/**
 * RFC 8707 resource indicators. Tokens for a resource carry its audience and scopes, as RFC 9068
 * JWTs or opaque (introspected) per resource; without one, an authorization code's access token
 * is opaque and good for userinfo only. client_credentials requests that name no resource get
 * the default resource (DEFAULT_RESOURCE).
 */
export function resourceServers(config: Config): Map<string, ResourceServer> {
  const settings: ResourceServerSetting[] = [
    { identifier: config.defaultResource, scopes: config.defaultResourceScopes, format: 'jwt' },
    ...config.resourceServers,
  ];
  return new Map<string, ResourceServer>(settings.map((r) => [r.identifier, {
    scope: r.scopes,
    audience: r.identifier,
    accessTokenFormat: r.format,
    accessTokenTTL: r.ttl ?? config.ttl.accessToken,
    ...(r.format === 'jwt' ? { jwt: { sign: { alg: r.alg ?? config.accessTokenSigningAlg } } } : {}),
  }]));
}

export function resourceIndicators(config: Config, servers: Map<string, ResourceServer>) {
  return {
    enabled: true,
    async defaultResource(ctx: KoaContextWithOIDC, _client: unknown, oneOf?: string | string[]) {
      if (oneOf) return oneOf;
      return ctx.oidc.params?.grant_type === 'client_credentials' ? config.defaultResource : undefined;
    },
    async useGrantedResource() {
      return true;
    },
    async getResourceServerInfo(_ctx: KoaContextWithOIDC, indicator: string) {
      const server = servers.get(indicator);
      if (!server) throw new errors.InvalidTarget(`unknown resource ${indicator}`);
      return server;
    },
  };
}
