import { errors, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import type { Config } from '../config/config.ts';

/**
 * RFC 8707 resource indicators. Access tokens for a resource are RFC 9068 JWTs; without one, an
 * authorization code's access token is opaque and good for userinfo only. client_credentials
 * requests that name no resource get the configured default.
 */
export function resourceIndicators(config: Config) {
  const servers = new Map<string, ResourceServer>([[config.defaultResource, {
    scope: config.defaultResourceScopes,
    audience: config.defaultResource,
    accessTokenFormat: 'jwt',
    accessTokenTTL: config.ttl.accessToken,
    jwt: { sign: { alg: config.accessTokenSigningAlg } },
  }]]);

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
