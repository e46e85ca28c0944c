import crypto from 'node:crypto';
import { AppError } from '../app-error.ts';
import type { Account, AccountFields, AccountStore } from '../accounts/account.ts';
import type { AccountSession, AccountSessionStore } from '../accounts/account-sessions.ts';
import { hashChecked, type AccountService } from '../accounts/account-service.ts';
import type { PasswordHasher } from '../accounts/password-hasher.ts';
import type { Actor, RecordChange } from '../audit/changes.ts';
import type { FactorStore } from '../mfa/factor.ts';
import type { Store } from '../store/open-store.ts';
import { checkIfMatch } from './etag.ts';
import { decodeCursor, pageFrom, type Page, type PageRequest } from './paging.ts';

/** An account as operators see it: never its password hash. */
export interface AccountView {
  id: string;
  email: string;
  name: string | null;
  email_verified: boolean;
  roles: string[];
  disabled: boolean;
  has_password: boolean;
  created_at: string;
  updated_at: string;
}

/**
 * A session as operators see it. Its id is a handle derived from the session's id, never the id
 * itself, which is what the person's session cookie carries.
 */
export interface SessionView {
  id: string;
  login_at: string;
  expires_at: string;
}

const handleOf = (sessionId: string) => crypto.createHash('sha256').update(sessionId).digest('base64url').slice(0, 22);
const sessionView = (s: AccountSession): SessionView => ({ id: handleOf(s.id), login_at: s.loginAt.toISOString(), expires_at: s.expiresAt.toISOString() });

export interface AccountChanges {
  email?: string;
  name?: string | null;
  email_verified?: boolean;
  roles?: string[];
  disabled?: boolean;
  /** Set as the new password (checked by the password policy, stored as argon2id). */
  password?: string;
}

export const accountView = (a: Account): AccountView => ({
  id: a.id, email: a.email, name: a.name, email_verified: a.emailVerified, roles: a.roles, disabled: a.disabled,
  has_password: a.passwordHash !== null, created_at: a.createdAt.toISOString(), updated_at: a.updatedAt.toISOString(),
});

interface Deps {
  accounts: AccountService;
  hasher: PasswordHasher;
  factors: FactorStore;
  sessions: AccountSessionStore;
  transaction: Store['transaction'];
  recordChange: RecordChange;
}

/** What operators do to accounts, from the CLI, the admin API and the admin UI alike; every change audited. */
export function manageAccounts({ accounts, hasher, factors, sessions, transaction, recordChange }: Deps) {
  const found = async (store: Pick<AccountStore, 'findById'>, id: string): Promise<Account> => {
    const account = await store.findById(id);
    if (!account) throw new AppError('account_not_found', 404, `no account with id ${id}`);
    return account;
  };

  /** Reads, checks the caller's version, writes and reads back, holding the account's lock. */
  async function change(actor: Actor, id: string, ifMatch: string | undefined, fields: (current: Account) => Promise<Partial<AccountFields>>, action = 'account.update') {
    const [before, after] = await transaction(async (repos) => {
      await repos.lock(`account:${id}`);
      const current = await found(repos.accounts, id);
      checkIfMatch(ifMatch, accountView(current));
      await repos.accounts.update(id, await fields(current));
      const updated = await found(repos.accounts, id);
      await repos.record(actor, action, { type: 'account', id }, current, updated);
      return [current, updated];
    });
    if (after.disabled && !before.disabled) await sessions.end(id, {}); // a disabled account is signed out everywhere
    return accountView(after);
  }

  return {
    async page({ cursor, limit, search }: PageRequest & { search?: string }): Promise<Page<AccountView>> {
      const afterEmail = cursor === undefined ? undefined : String(decodeCursor(cursor));
      const rows = await accounts.page({ afterEmail, limit: limit + 1, search });
      return pageFrom(rows.map(accountView), limit, (a) => a.email);
    },

    get: async (id: string) => accountView(await found(accounts, id)),

    async create(actor: Actor, input: AccountChanges & { email: string }): Promise<AccountView> {
      const { password, email_verified: emailVerified, ...rest } = input;
      const passwordHash = password === undefined ? undefined : await hashChecked(hasher, password, { email: input.email, name: input.name });
      return transaction(async (repos) => {
        const created = await repos.accounts.create({ ...rest, ...(emailVerified !== undefined ? { emailVerified } : {}), ...(passwordHash ? { passwordHash } : {}) });
        await repos.record(actor, 'account.create', { type: 'account', id: created.id }, undefined, created);
        return accountView(created);
      });
    },

    update: (actor: Actor, id: string, input: AccountChanges, ifMatch?: string) => change(actor, id, ifMatch, async (current) => {
      const { password, email_verified: emailVerified, ...rest } = input;
      return {
        ...rest,
        ...(emailVerified !== undefined ? { emailVerified } : {}),
        ...(password !== undefined ? { passwordHash: await hashChecked(hasher, password, { email: input.email ?? current.email, name: input.name ?? current.name }) } : {}),
      };
    }),

    disable: (actor: Actor, id: string, ifMatch?: string) => change(actor, id, ifMatch, async () => ({ disabled: true }), 'account.disable'),

    /** Removes every second factor and passkey: the person enrols again at the next sign-in. */
    async resetFactors(actor: Actor, id: string): Promise<number> {
      await found(accounts, id);
      const removed = await factors.list(id);
      await factors.removeAll(id);
      await recordChange(actor, 'account.reset_factors', { type: 'account', id }, { factors: removed.map((f) => ({ id: f.id, kind: f.kind, name: f.name })) }, { factors: [] });
      return removed.length;
    },

    async sessions(id: string): Promise<SessionView[]> {
      await found(accounts, id);
      return (await sessions.list(id)).map(sessionView);
    },

    /** Ends one session of the account (by its handle), or all of them; answers how many ended. */
    async endSessions(actor: Actor, id: string, which: { only: string } | 'all'): Promise<number> {
      await found(accounts, id);
      const session = which === 'all' ? undefined : (await sessions.list(id)).find((s) => handleOf(s.id) === which.only);
      if (which !== 'all' && !session) throw new AppError('session_not_found', 404, `the account has no session ${which.only}`);
      const ended = await sessions.end(id, session ? { only: session.id } : {});
      await recordChange(actor, 'account.end_sessions', { type: 'account', id }, undefined, { ended, ...(which === 'all' ? {} : { session: which.only }) });
      return ended;
    },
  };
}

export type ManagedAccounts = ReturnType<typeof manageAccounts>;
