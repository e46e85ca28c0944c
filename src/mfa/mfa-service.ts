import { AppError } from '../app-error.ts';
import { limited, type LimiterFactory } from '../accounts/attempt-limiter.ts';
import type { RiskDecision } from '../risk/risk-engine.ts';
import { acrFor, meets } from './acr.ts';
import type { EmailCodes } from './email-code.ts';
import type { Factor, FactorStore } from './factor.ts';

/** Which second factors an account has, from its factors. */
export function methodsOf(all: Factor[]) {
  const count = (kind: string) => all.filter((f) => f.kind === kind).length;
  return { totp: count('totp') > 0, passkeys: count('passkey'), recoveryCodes: count('recovery') };
}
import type { RecoveryCodes } from './recovery-codes.ts';
import type { Passkeys } from './passkeys.ts';
import type { Totp } from './totp.ts';

const LOCK_SECONDS = 900;

const tooManyCodes = (wait: number) => limited('rate_limited', 'wrong codes', wait);

export type SecondFactorMethod = 'totp' | 'recovery' | 'email_code';

/** Why a second factor is due; empty when it is not. */
export type MfaReason = 'enrolled' | 'acr' | 'risk' | 'organization';

interface Deps {
  factors: FactorStore;
  totp: Totp;
  recovery: RecoveryCodes;
  emailCodes: EmailCodes;
  passkeys: Passkeys;
  limiters: LimiterFactory;
  codesPerAccount: number;
}

/**
 * Second factors behind one interface: which an account can use, checking a code of any of them
 * (with a limit on wrong codes per account), and the one rule of when a second factor is due.
 */
export function createMfa({ factors, totp, recovery, emailCodes, passkeys, limiters, codesPerAccount }: Deps) {
  // OWASP ASVS V2.8.5 / RFC 6238 §5.2: wrong codes are limited per account, whatever the IP.
  // like the sign-in lockout: the codesPerAccount-th wrong code locks code entry for 15 minutes
  const wrongCodes = limiters({ name: 'wrong-codes', points: codesPerAccount - 1, durationSeconds: LOCK_SECONDS });
  const codeMails = limiters({ name: 'code-mails', points: 3, durationSeconds: 900 });

  const methods = async (accountId: string) => methodsOf(await factors.list(accountId));

  return {
    methods,
    totp,
    recovery,
    emailCodes,
    passkeys,

    /** An authenticator app or a passkey: what makes every sign-in of the account need two factors. */
    hasStrongFactor: async (accountId: string) => {
      const m = await methods(accountId);
      return m.totp || m.passkeys > 0;
    },

    /**
     * The rule: a second factor is due when the account has one enrolled, when the client or the
     * request asks for a stronger acr (OIDC Core §3.1.2.1 acr_values, RFC 9470), when the risk
     * engine says so, or when the organization signed in for requires it. `amr` is what the
     * sign-in has done so far.
     */
    async reasons(accountId: string, amr: string[], requestedAcr: string[], risk?: RiskDecision, organizationRequires = false): Promise<MfaReason[]> {
      if (amr.includes('mfa')) return [];
      const reasons: MfaReason[] = [];
      if (await this.hasStrongFactor(accountId)) reasons.push('enrolled');
      if (!meets(acrFor(amr), requestedAcr)) reasons.push('acr');
      if (risk === 'mfa') reasons.push('risk');
      if (organizationRequires) reasons.push('organization');
      return reasons;
    },

    /** Mails a sign-in code for this interaction; a few per account per quarter hour. */
    async sendEmailCode(binding: string, account: { id: string; email: string }): Promise<void> {
      const wait = await codeMails.hit(account.id);
      if (wait) throw limited('rate_limited', 'codes asked for', wait);
      await emailCodes.send(binding, account);
    },

    /** Checks the first code of an authenticator app being set up, under the same limit on wrong codes. */
    async confirmTotp(accountId: string, secret: string, code: string): Promise<{ step: number }> {
      const wait = await wrongCodes.blockedFor(accountId);
      if (wait) throw tooManyCodes(wait);
      const match = await totp.matches(secret, code.replace(/\s/g, ''));
      if (match) {
        await wrongCodes.reset(accountId);
        return match;
      }
      if (await wrongCodes.hit(accountId)) {
        await wrongCodes.block(accountId, LOCK_SECONDS);
        throw tooManyCodes(LOCK_SECONDS);
      }
      throw new AppError('invalid_code', 400, 'That code does not match. Check the app and try again.');
    },

    /** Checks a code; answers the amr it adds (RFC 8176), or throws why it is refused. */
    async verify(method: SecondFactorMethod, accountId: string, code: string, binding: string): Promise<string[]> {
      const wait = await wrongCodes.blockedFor(accountId);
      if (wait) throw tooManyCodes(wait);
      const clean = code.replace(/\s/g, '');
      const ok = method === 'totp' ? await totp.verify(accountId, clean)
        : method === 'recovery' ? await recovery.verify(accountId, clean)
          : await emailCodes.verify(binding, accountId, clean);
      if (!ok) {
        if (await wrongCodes.hit(accountId)) {
          await wrongCodes.block(accountId, LOCK_SECONDS);
          throw tooManyCodes(LOCK_SECONDS);
        }
        throw new AppError('invalid_code', 401, method === 'recovery' ? 'That recovery code is not valid or was already used.' : 'That code is not valid. Check it and try again.');
      }
      await wrongCodes.reset(accountId);
      return method === 'totp' ? totp.amr : method === 'recovery' ? recovery.amr : emailCodes.amr;
    },
  };
}

export type Mfa = ReturnType<typeof createMfa>;
