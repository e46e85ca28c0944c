import type { FindAccount } from 'oidc-provider';
import type { Account } from '../accounts/account.ts';

export interface AccountLookup {
  findById(id: string): Promise<Account | undefined>;
  /** The permissions the account's roles grant (RBAC). */
  permissionsOf(roles: string[]): Promise<string[]>;
}

/**
 * Claims Gatehouse releases, by scope (OIDC Core §5.4); `roles` (roles and the permissions they
 * grant) is Gatehouse's own. `amr`
 * (RFC 8176, how the user signed in) comes with openid, so every ID token carries it.
 */
export const CLAIMS_BY_SCOPE = {
  openid: ['sub', 'acr', 'amr'], // how the user signed in, in every ID token (OIDC Core §2)
  profile: ['name', 'updated_at'],
  email: ['email', 'email_verified'],
  roles: ['roles', 'permissions'],
};

export function findAccount(accounts: AccountLookup): FindAccount {
  return async (_ctx, sub) => {
    const account = await accounts.findById(sub);
    if (!account || account.disabled) return undefined;
    return {
      accountId: account.id,
      // permissions cost a lookup: only when the roles scope asks for them
      claims: async (_use, scope) => ({
        sub: account.id,
        email: account.email,
        email_verified: account.emailVerified,
        ...(account.name ? { name: account.name } : {}),
        updated_at: Math.floor(account.updatedAt.getTime() / 1000),
        roles: account.roles,
        ...(String(scope ?? '').split(' ').includes('roles') ? { permissions: await accounts.permissionsOf(account.roles) } : {}),
      }),
    };
  };
}
