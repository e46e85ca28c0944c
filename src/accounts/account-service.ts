import { AppError } from '../app-error.ts';
import type { Account, AccountFields, AccountStore } from './account.ts';
import { normalizeEmail } from './account.ts';
import { limited, type AttemptLimiter, type LimiterFactory } from './attempt-limiter.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { MAX_PASSWORD_LENGTH, passwordProblem, type PasswordContext } from './password-policy.ts';

export interface AccountServiceOptions {
  store: AccountStore;
  hasher: PasswordHasher;
  limiters: LimiterFactory;
  limits: { loginPerIpPerMinute: number; lockoutThreshold: number; lockoutSeconds: number };
}

export type AccountService = ReturnType<typeof createAccountService>;

export function createAccountService({ store, hasher, limiters, limits }: AccountServiceOptions) {
  const perIp: AttemptLimiter = limiters({ name: 'login-ip', points: limits.loginPerIpPerMinute, durationSeconds: 60 });
  // One failure fewer than the threshold is allowed; the threshold-th failure locks.
  const failures: AttemptLimiter = limiters({
    name: 'login-failures', points: limits.lockoutThreshold - 1, durationSeconds: limits.lockoutSeconds,
  });

  return {
    findById: (id: string) => store.findById(id),
    findByEmail: (email: string) => store.findByEmail(email),
    list: () => store.list(),
    page: (query: Parameters<AccountStore['page']>[0]) => store.page(query),
    update: (id: string, fields: Partial<AccountFields>) => store.update(id, fields),

    /** Whether failed sign-ins have locked this email for now. */
    lockedOut: async (email: string) => (await failures.blockedFor(normalizeEmail(email))) > 0,

    /**
     * Checks an email and password. Unknown emails and wrong passwords cost the same and get the
     * same answer (OWASP ASVS V2.2); failures lock the email, known or not, for a while.
     */
    async authenticate(email: string, password: string, ip: string): Promise<Account> {
      hasher.checkCapacity(); // a storm's excess gets its 429 before any lookup
      const wait = await perIp.hit(ip);
      if (wait) throw limited('rate_limited', 'sign-in attempts', wait);
      const key = normalizeEmail(email);
      const locked = await failures.blockedFor(key);
      if (locked) {
        throw limited('account_locked', 'failed sign-ins for this account', locked);
      }
      const account = password.length <= MAX_PASSWORD_LENGTH ? await store.findByEmail(key) : undefined;
      const { ok, rehash } = await hasher.verify(account?.passwordHash, password.slice(0, MAX_PASSWORD_LENGTH));
      if (!ok || !account) {
        if (await failures.hit(key)) await failures.block(key, limits.lockoutSeconds);
        throw new AppError('invalid_credentials', 401, 'Wrong email or password.');
      }
      await failures.reset(key);
      if (account.disabled) throw new AppError('account_disabled', 403, 'This account is disabled.');
      if (rehash) await store.update(account.id, { passwordHash: await hasher.hash(password) });
      return account;
    },

    async create(fields: Partial<AccountFields> & { email: string; password?: string }): Promise<Account> {
      const { password, ...rest } = fields;
      const passwordHash = password === undefined ? rest.passwordHash : await hashChecked(hasher, password, rest);
      return store.create({ ...rest, passwordHash });
    },

    async setPassword(id: string, password: string): Promise<void> {
      const account = await store.findById(id);
      if (!account) throw new AppError('account_not_found', 404, 'no such account');
      await store.update(id, { passwordHash: await hashChecked(hasher, password, account) });
    },

    /** Changes a password after checking the current one (with the sign-in limits and lockout). */
    async changePassword(id: string, current: string, next: string, ip: string): Promise<void> {
      const account = await store.findById(id);
      if (!account) throw new AppError('account_not_found', 404, 'no such account');
      await this.authenticate(account.email, current, ip).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'invalid_credentials') throw new AppError('invalid_credentials', 400, 'Your current password is not right.');
        throw error;
      });
      await store.update(id, { passwordHash: await hashChecked(hasher, next, account) });
    },

    async addRole(id: string, role: string): Promise<void> {
      const account = await store.findById(id);
      if (!account) throw new AppError('account_not_found', 404, 'no such account');
      if (!account.roles.includes(role)) await store.update(id, { roles: [...account.roles, role] });
    },
  };
}

export async function hashChecked(hasher: PasswordHasher, password: string, context: PasswordContext = {}): Promise<string> {
  const problem = passwordProblem(password, context);
  if (problem) throw new AppError('weak_password', 400, `The password ${problem}.`);
  return hasher.hash(password);
}
