import type { Grant, KoaContextWithOIDC } from 'oidc-provider';
import { grantOrganization, requestedOrganization, setGrantOrganization } from './organization-hint.ts';

/**
 * Existing grants, and for clients marked `first_party` a grant of everything requested, so
 * their users are not asked for consent. A grant is for one organization (or none): a request for
 * another one gets a grant of its own, so tokens already issued keep the organization they had.
 */
export async function loadExistingGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
  const { oidc } = ctx;
  const client = oidc.client!;
  const grantId = (oidc.result?.consent as { grantId?: string } | undefined)?.grantId
    || oidc.session!.grantIdFor(client.clientId);
  const organization = requestedOrganization(oidc.params as Record<string, unknown>);
  const found = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  const existing = found && grantOrganization(found) === organization ? found : undefined;
  if (!(client as unknown as { first_party?: boolean }).first_party) return existing;

  const grant = existing ?? new oidc.provider.Grant({ clientId: client.clientId, accountId: oidc.session!.accountId });
  setGrantOrganization(grant, organization);
  grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
  const claims = oidc.claims as { id_token?: object; userinfo?: object } | undefined;
  const requestedClaims = [...Object.keys(claims?.id_token ?? {}), ...Object.keys(claims?.userinfo ?? {})];
  if (requestedClaims.length) grant.addOIDCClaims(requestedClaims);
  for (const [indicator, server] of Object.entries(oidc.resourceServers ?? {})) {
    const requested = [...oidc.requestParamScopes].filter((s) => server.scopes.has(s));
    if (requested.length) grant.addResourceScope(indicator, requested.join(' '));
  }
  await grant.save();
  return grant;
}
