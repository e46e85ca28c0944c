import { AppError } from '../app-error.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Mfa } from '../mfa/mfa-service.ts';
import type { AccountService } from './account-service.ts';
import { normalizeEmail } from './account.ts';
import { limited, type LimiterFactory } from './attempt-limiter.ts';
import type { EmailTokens } from './email-tokens.ts';

interface Deps {
  accounts: AccountService;
  mfa: Mfa;
  tokens: EmailTokens;
  mailer: Mailer;
  limiters: LimiterFactory;
  issuer: string;
  service: string;
  ttl: number;
}

/**
 * Signing in without a password: a one-time code or a link sent to the address, each bound to the
 * sign-in (the interaction) it was asked for, short-lived and used once. Answers never tell
 * whether an address has an account.
 */
export function createEmailSignIn({ accounts, mfa, tokens, mailer, limiters, issuer, service, ttl }: Deps) {
  const perIp = limiters({ name: 'signin-mail-ip', points: 20, durationSeconds: 900 });
  const limit = async (ip: string) => {
    const wait = await perIp.hit(ip);
    if (wait) throw limited('rate_limited', 'emails asked for', wait);
  };
  const active = async (email: string) => {
    const account = await accounts.findByEmail(email);
    return account && !account.disabled ? account : undefined;
  };

  return {
    /** RFC 8176 has no value for mail; a code or link sent to the address is a one-time password. */
    amr: ['otp'],

    async sendCode(uid: string, email: string, ip: string): Promise<void> {
      await limit(ip);
      const account = await active(email);
      if (account) await mfa.sendEmailCode(uid, account);
    },

    /** The account the code signs in, or an error (wrong codes count against the address, known or not). */
    async checkCode(uid: string, email: string, code: string): Promise<string> {
      const account = await active(email);
      await mfa.verify('email_code', account?.id ?? `unknown:${normalizeEmail(email)}`, code, uid);
      return account!.id;
    },

    async sendLink(uid: string, email: string, ip: string): Promise<void> {
      await limit(ip);
      const account = await active(email);
      if (!account) return;
      const token = await tokens.issue('magic', { accountId: account.id, uid }, ttl);
      await mailer.send({
        to: account.email, subject: `Sign in to ${service}`,
        text: `Follow this link, in the browser where you asked for it, to sign in:\n\n${issuer}/interaction/${uid}/magic?token=${token}\n\n`
          + `It works once, for ${Math.round(ttl / 60)} minutes. If you did not ask for it, ignore this message.`,
      });
    },

    /** Uses a sign-in link up; it must belong to this very sign-in. */
    async takeLink(uid: string, token: unknown): Promise<string> {
      const claim = await tokens.take('magic', token);
      if (!claim || claim.uid !== uid) throw new AppError('link_expired', 400, 'This sign-in link has expired, was already used, or belongs to another sign-in. Ask for a new one.');
      const account = await accounts.findById(String(claim.accountId));
      if (!account || account.disabled) throw new AppError('account_disabled', 403, 'This account is disabled.');
      return account.id;
    },
  };
}

export type EmailSignIn = ReturnType<typeof createEmailSignIn>;
