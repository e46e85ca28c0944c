import type { Grant, KoaContextWithOIDC } from 'oidc-provider';

/**
 * Existing grants, and for clients marked `first_party` a grant of everything requested, so
 * their users are not asked for consent.
 */
export async function loadExistingGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
  const { oidc } = ctx;
  const client = oidc.client!;
  const grantId = (oidc.result?.consent as { grantId?: string } | undefined)?.grantId
    || oidc.session!.grantIdFor(client.clientId);
  const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  if (!(client as unknown as { first_party?: boolean }).first_party) return existing;

  const grant = existing ?? new oidc.provider.Grant({ clientId: client.clientId, accountId: oidc.session!.accountId });
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
