import { errors, type Grant, type KoaContextWithOIDC } from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { OrganizationLookup } from '../organizations/organization-claims.ts';

/** The authorization request parameter naming the organization to sign in for (id or slug), as Auth0 names it. */
export const ORGANIZATION_PARAM = 'organization';

/**
 * Validates `organization` at the authorization (and PAR) endpoint and replaces a slug with the
 * organization's id, so the interaction, the grant and every later step see the id only. An
 * unknown organization is the client's mistake: invalid_request (RFC 6749 §4.1.2.1).
 */
export function organizationParam(orgs: OrganizationLookup) {
  return async (ctx: KoaContextWithOIDC, value: unknown) => {
    if (value === undefined) return;
    const org = typeof value === 'string' && value.length <= 64 ? await orgs.find(value) : undefined;
    if (!org) throw new errors.InvalidRequest('organization is not known here');
    (ctx.oidc.params as Record<string, unknown>)[ORGANIZATION_PARAM] = org.id;
  };
}

/** The organization a request is for: the id the validator left in its parameters. */
export const requestedOrganization = (params: Record<string, unknown> | undefined) => {
  const value = params?.[ORGANIZATION_PARAM];
  return typeof value === 'string' && value ? value : undefined;
};

type WithOrganization = Grant & { organization?: string };

/**
 * The organization travels on the Grant: every token of an authorization (code, access and
 * refresh tokens, userinfo) points at its grant, so the token endpoint and userinfo read the
 * organization the person signed in for, also after a refresh. oidc-provider persists only the
 * model properties it lists; adding one is its maintainer's advice for data of one's own
 * (panva/node-oidc-provider#708).
 */
export function keepOrganizationOnGrants(provider: Provider) {
  const Grant = provider.Grant as unknown as { IN_PAYLOAD: string[] };
  const fields = Grant.IN_PAYLOAD;
  if (!fields.includes('organization')) Object.defineProperty(Grant, 'IN_PAYLOAD', { get: () => [...fields, 'organization'] });
}

export const grantOrganization = (grant: Grant | undefined) => (grant as WithOrganization | undefined)?.organization;

export const setGrantOrganization = (grant: Grant, organizationId: string | undefined) => {
  if (organizationId) (grant as WithOrganization).organization = organizationId;
  else delete (grant as WithOrganization).organization;
};

/** The organization of the grant a token belongs to (the grant already loaded, when it is this one). */
export async function organizationOfToken(ctx: KoaContextWithOIDC, token: { grantId?: string } | undefined): Promise<string | undefined> {
  const loaded = ctx.oidc.entities.Grant;
  const grantId = token?.grantId ?? loaded?.jti;
  if (!grantId) return undefined;
  const grant = loaded?.jti === grantId ? loaded : await ctx.oidc.provider.Grant.find(grantId);
  return grantOrganization(grant);
}
