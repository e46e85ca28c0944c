import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { grantOrganization, requestedOrganization, setGrantOrganization } from '../provider/organization-hint.ts';

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

interface ConsentDetails {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

const SCOPE_TEXT: Record<string, string> = {
  openid: 'Know who you are',
  profile: 'See your name',
  email: 'See your email address',
  roles: 'See your roles',
  organizations: 'See the organizations you belong to and your roles there',
  offline_access: 'Keep access while you are away',
};

/** What the consent page lists: the scopes and claims the client lacks, in words. */
export function requestedAccess(interaction: Interaction): string[] {
  const details = interaction.prompt.details as ConsentDetails;
  const oidc = (details.missingOIDCScope ?? []).map((s) => SCOPE_TEXT[s] ?? s);
  const claims = (details.missingOIDCClaims ?? []).map((c) => `See your ${c.replaceAll('_', ' ')}`);
  const resources = Object.entries(details.missingResourceScopes ?? {})
    .flatMap(([resource, scopes]) => scopes.map((s) => `${s} on ${resource}`));
  return [...new Set([...oidc, ...claims, ...resources])];
}

/** What a consent granted, for the audit log: the client and the scopes, claims and resource scopes it was missing. */
export function consentDetail(interaction: Interaction): Record<string, unknown> {
  const details = interaction.prompt.details as ConsentDetails;
  return {
    clientId: interaction.params.client_id, scopes: details.missingOIDCScope ?? [], claims: details.missingOIDCClaims ?? [],
    resourceScopes: details.missingResourceScopes ?? {},
  };
}

/** Records the user's consent: a grant of what was asked, added to any existing one. */
export async function grantConsent(provider: Provider, interaction: Interaction): Promise<InteractionResults> {
  const { accountId } = interaction.session!;
  const clientId = interaction.params.client_id as string;
  const organization = requestedOrganization(interaction.params);
  const found = interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined;
  // a grant is for one organization: consent for another starts a grant of its own
  const grant = found && grantOrganization(found) === organization ? found : new provider.Grant({ accountId, clientId });
  setGrantOrganization(grant, organization);
  const details = interaction.prompt.details as ConsentDetails;
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  return { consent: grant === found ? {} : { grantId } };
}
