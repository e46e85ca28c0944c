import type { Membership, Organization } from './organization.ts';

/** What sign-in and token issuance need to know of organizations. */
export interface OrganizationLookup {
  /** By id or slug. */
  find(ref: string): Promise<Organization | undefined>;
  membership(organizationId: string, accountId: string): Promise<Membership | undefined>;
  membershipsOf(accountId: string): Promise<{ organization: Organization; roles: string[] }[]>;
}

/** The scope that releases every membership of the account. */
export const ORGANIZATIONS_SCOPE = 'organizations';

/**
 * The claims of a token issued for an organization, named as Auth0 names them (org_id,
 * org_name) with the member's organization roles; none when the account is no longer a member.
 */
export async function organizationClaims(orgs: OrganizationLookup, organizationId: string | undefined, accountId: string) {
  if (!organizationId) return {};
  const [org, membership] = await Promise.all([orgs.find(organizationId), orgs.membership(organizationId, accountId)]);
  if (!org || !membership) return {};
  return { org_id: org.id, org_name: org.name, org_roles: membership.roles };
}

/** Every membership, for the organizations scope: [{ id, name, roles }]. */
export async function membershipsClaim(orgs: OrganizationLookup, accountId: string) {
  const memberships = await orgs.membershipsOf(accountId);
  return { organizations: memberships.map(({ organization, roles }) => ({ id: organization.id, name: organization.name, roles })) };
}

/** Whether a sign-in of this account for this organization must give a second factor. */
export async function organizationRequiresMfa(orgs: OrganizationLookup, organizationId: unknown, accountId: string): Promise<boolean> {
  if (typeof organizationId !== 'string' || !organizationId) return false;
  const org = await orgs.find(organizationId);
  return Boolean(org?.requireMfa && await orgs.membership(org.id, accountId));
}
