import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { meets } from '../mfa/acr.ts';
import { organizationRequiresMfa, type OrganizationLookup } from '../organizations/organization-claims.ts';
import { requestedOrganization } from './organization-hint.ts';

export interface MfaPolicy {
  hasStrongFactor(accountId: string): Promise<boolean>;
}

/** The acr values an authorization request asks for: its acr_values, else the client's default_acr_values. */
export function requestedAcr(params: Record<string, unknown>, client?: { defaultAcrValues?: string[] }): string[] {
  const asked = typeof params.acr_values === 'string' ? params.acr_values.split(' ').filter(Boolean) : [];
  return asked.length ? asked : client?.defaultAcrValues ?? [];
}

/**
 * oidc-provider's login → consent policy, with three prompts of Gatehouse's own:
 * - select_account, requestable (OIDC Core §3.1.2.1): continue as the signed-in account or switch;
 * - organization, after login: a request for an organization the account is not a member of is
 *   refused (the interaction answers access_denied);
 * - mfa, after that: the signed-in session is stepped up with a second factor when the request
 *   or client asks for a stronger acr (RFC 9470 §4), the account has enrolled a factor since, or
 *   the organization signed in for requires one.
 *   A fresh sign-in meets the same rule before its login completes (src/interactions/sign-in.ts).
 */
export function createInteractionPolicy(mfa: MfaPolicy, orgs: OrganizationLookup) {
  const policy = interactionPolicy.base();
  policy.add(new interactionPolicy.Prompt({ name: 'select_account', requestable: true }), 0);
  const session = (ctx: KoaContextWithOIDC) => ctx.oidc.session as unknown as { accountId?: string; acr?: string; amr?: string[] };
  // an existing session without a second factor; not one whose login this interaction has just
  // completed: that sign-in met the same rule a moment ago, before its login completed
  const unsteppedSession = (ctx: KoaContextWithOIDC) => {
    const { accountId, amr = [] } = session(ctx);
    return accountId && !amr.includes('mfa') && !ctx.oidc.result?.login ? accountId : undefined;
  };
  policy.add(new interactionPolicy.Prompt(
    { name: 'mfa', requestable: false },
    new interactionPolicy.Check('acr_required', 'a stronger authentication is requested', async (ctx) =>
      !meets(session(ctx).acr, requestedAcr(ctx.oidc.params as Record<string, unknown>, ctx.oidc.client as never))),
    new interactionPolicy.Check('factor_enrolled', 'the account has a second factor', async (ctx) => {
      const accountId = unsteppedSession(ctx);
      return Boolean(accountId) && await mfa.hasStrongFactor(accountId!);
    }),
    new interactionPolicy.Check('organization_mfa', 'the organization requires a second factor', async (ctx) => {
      const accountId = unsteppedSession(ctx);
      return Boolean(accountId) && await organizationRequiresMfa(orgs, requestedOrganization(ctx.oidc.params as Record<string, unknown>), accountId!);
    }),
  ), policy.findIndex((p) => p.name === 'login') + 1);
  policy.add(new interactionPolicy.Prompt(
    { name: 'organization', requestable: false },
    new interactionPolicy.Check('not_a_member', 'the account is not a member of the organization', async (ctx) => {
      const organization = requestedOrganization(ctx.oidc.params as Record<string, unknown>);
      const { accountId } = session(ctx);
      return Boolean(organization && accountId) && !(await orgs.membership(organization!, accountId!));
    }),
  ), policy.findIndex((p) => p.name === 'login') + 1);
  return policy;
}
