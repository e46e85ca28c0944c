import type { KoaContextWithOIDC } from 'oidc-provider';
import type { ApiKey } from '../api-keys/api-key.ts';
import { isApiKeyId } from '../api-keys/api-key.ts';
import { rolesClaims, type AccountLookup } from './find-account.ts';
import { organizationClaims } from '../organizations/organization-claims.ts';
import { grantOrganization } from './organization-hint.ts';

interface Token {
  extra?: Record<string, unknown>;
  accountId?: string;
  grantId?: string;
  clientId?: string;
  kind?: string;
  resourceServer?: { audience?: string };
}

/**
 * Claims Gatehouse adds to access tokens. Claims set by its own grants (the act claim of a token
 * exchange) stay. A person's access token granted the roles scope carries their roles and the
 * permissions for the token's audience (its resource, else the client); one issued for an
 * organization its org_id, org_name and org_roles. An API key's token carries the key's owner (an
 * account id) as api_key_owner.
 */
export function extraTokenClaims(accounts: AccountLookup, apiKeys: { find(id: string): Promise<ApiKey | undefined> }) {
  return async (ctx: KoaContextWithOIDC, raw: unknown) => {
    const token = raw as Token;
    const { extra, accountId, grantId, kind } = token;
    if (kind === 'ClientCredentials' && isApiKeyId(token.clientId)) {
      const owner = (await apiKeys.find(token.clientId))?.owner;
      return owner ? { ...extra, api_key_owner: owner } : extra;
    }
    if (kind !== 'AccessToken' || !accountId || !grantId) return extra;
    // the grant is loaded already at the token endpoint; read it again only when it is not
    const loaded = ctx.oidc.entities.Grant;
    const grant = loaded?.jti === grantId ? loaded : await ctx.oidc.provider.Grant.find(grantId);
    const org = await organizationClaims(accounts.organizations, grantOrganization(grant), accountId);
    if (!grant?.getOIDCScope().split(' ').includes('roles')) return Object.keys(org).length ? { ...extra, ...org } : extra;
    const account = await accounts.findById(accountId);
    if (!account) return extra;
    return { ...extra, ...org, ...(await rolesClaims(accounts, account, token.resourceServer?.audience ?? token.clientId)) };
  };
}
