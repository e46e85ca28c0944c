import { AppError } from '../app-error.ts';
import type { AccountService } from '../accounts/account-service.ts';
import { normalizeEmail } from '../accounts/account.ts';
import type { Upstream, UpstreamStore } from './upstream.ts';

/** Who an upstream says signed in: its stable subject, mapped claims, and group values. */
export interface UpstreamIdentity {
  subject: string;
  email?: string;
  /** The upstream vouches for the address (OIDC email_verified; for SAML, never on its own). */
  emailVerified: boolean;
  name?: string;
  groups: string[];
}

/**
 * Turns an upstream sign-in into a Gatehouse account: the one already linked to the subject, an
 * existing account with the same email only when the upstream is trusted for that domain and the
 * email is verified, or a new one (just-in-time) when the upstream provisions. Never anything
 * else: no account is created or linked from a refused identity.
 */
export function createFederation(store: UpstreamStore, accounts: AccountService) {
  const rolesFor = (upstream: Upstream, groups: string[]) =>
    [...new Set(groups.map((g) => upstream.mapping.roles?.map[g]).filter((r): r is string => Boolean(r)))];

  return {
    async accountFor(upstream: Upstream, identity: UpstreamIdentity): Promise<string> {
      const roles = rolesFor(upstream, identity.groups);
      const linked = await store.linkedAccount(upstream.id, identity.subject);
      if (linked) {
        const account = await accounts.findById(linked);
        if (!account || account.disabled) throw new AppError('account_disabled', 403, 'This account is disabled.');
        const missing = roles.filter((r) => !account.roles.includes(r));
        if (missing.length) await accounts.update(account.id, { roles: [...account.roles, ...missing] });
        return account.id;
      }
      if (!identity.email) throw new AppError('federation_no_email', 403, `${upstream.displayName} did not say who you are (no email address was sent).`);
      const email = normalizeEmail(identity.email);
      const domain = email.split('@')[1] ?? '';
      const trusted = upstream.trustedDomains.map((d) => d.toLowerCase()).includes(domain);
      const existing = await accounts.findByEmail(email);
      if (existing) {
        // linking takes over an account: only for a domain this upstream is trusted for, on a verified email
        if (!trusted || !identity.emailVerified) {
          throw new AppError('federation_link_refused', 403, `An account with ${email} already exists. Sign in to it with your password; ${upstream.displayName} cannot be used for it.`);
        }
        if (existing.disabled) throw new AppError('account_disabled', 403, 'This account is disabled.');
        await store.link(upstream.id, identity.subject, existing.id);
        if (roles.some((r) => !existing.roles.includes(r))) await accounts.update(existing.id, { roles: [...new Set([...existing.roles, ...roles])] });
        return existing.id;
      }
      if (!upstream.provision) throw new AppError('federation_no_account', 403, `There is no account for ${email} here, and accounts are not created from ${upstream.displayName}.`);
      const account = await accounts.create({ email, name: identity.name ?? null, emailVerified: identity.emailVerified && trusted, roles });
      await store.link(upstream.id, identity.subject, account.id);
      return account.id;
    },

    /** The upstream people with this email domain are sent to (home-realm discovery). */
    async forEmail(email: string): Promise<Upstream | undefined> {
      const domain = normalizeEmail(email).split('@')[1];
      if (!domain) return undefined;
      return (await store.list()).find((u) => u.domains.map((d) => d.toLowerCase()).includes(domain));
    },
  };
}

export type Federation = ReturnType<typeof createFederation>;
