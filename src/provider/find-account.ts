import type { FindAccount } from 'oidc-provider';
import type { Account } from '../accounts/account.ts';
import { membershipsClaim, organizationClaims, ORGANIZATIONS_SCOPE, type OrganizationLookup } from '../organizations/organization-claims.ts';
import { organizationOfToken } from './organization-hint.ts';
import { permissionsFor, type Permission } from '../accounts/role-permissions.ts';

export interface AccountLookup {
  findById(id: string): Promise<Account | undefined>;
  /** The permissions the account's roles grant (RBAC), global and per audience. */
  permissionsOf(roles: string[]): Promise<Permission[]>;
  organizations: OrganizationLookup;
}

/**
 * Claims Gatehouse releases, by scope (OIDC Core §5.4); `roles` (roles and the permissions they
 * grant) is Gatehouse's own, and so is `organizations` (every membership). `amr` (RFC 8176, how
 * the user signed in) comes with openid, so every ID token carries it. When an access token is
 * issued too, oidc-provider puts only openid's claims in the ID token (OIDC Core §5.4,
 * conformIdTokenClaims); roles and permissions are listed under openid as well so that they reach
 * the ID token, and findAccount releases them only when the roles scope was granted.
 */
export const CLAIMS_BY_SCOPE = {
  // how the user signed in, in every ID token (OIDC Core §2); the organization signed in for (Auth0's names)
  openid: ['sub', 'acr', 'amr', 'org_id', 'org_name', 'org_roles', 'roles', 'permissions'],
  profile: ['name', 'updated_at'],
  email: ['email', 'email_verified'],
  roles: ['roles', 'permissions'],
  [ORGANIZATIONS_SCOPE]: ['organizations'],
};

/** The roles claims for an audience: roles, the global permissions and those of the audience. */
export async function rolesClaims(accounts: AccountLookup, account: Account, audience: string | undefined) {
  return { roles: account.roles, permissions: permissionsFor(await accounts.permissionsOf(account.roles), audience) };
}

export function findAccount(accounts: AccountLookup): FindAccount {
  return async (ctx, sub, token) => {
    const account = await accounts.findById(sub);
    if (!account || account.disabled) return undefined;
    return {
      accountId: account.id,
      // roles and memberships cost a lookup: only when their scope asks for them; ID tokens and
      // userinfo are for the client, so they carry its permissions
      claims: async (_use, scope) => ({
        sub: account.id,
        email: account.email,
        email_verified: account.emailVerified,
        ...(account.name ? { name: account.name } : {}),
        updated_at: Math.floor(account.updatedAt.getTime() / 1000),
        ...(String(scope ?? '').split(' ').includes('roles') ? await rolesClaims(accounts, account, ctx.oidc.client?.clientId) : {}),
        ...(String(scope ?? '').split(' ').includes(ORGANIZATIONS_SCOPE) ? await membershipsClaim(accounts.organizations, account.id) : {}),
        ...await organizationClaims(accounts.organizations, await organizationOfToken(ctx, token as { grantId?: string } | undefined), account.id),
      }),
    };
  };
}
