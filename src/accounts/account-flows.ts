import { AppError } from '../app-error.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { AccountService } from './account-service.ts';
import { hashChecked } from './account-service.ts';
import type { AccountSessionStore } from './account-sessions.ts';
import { normalizeEmail } from './account.ts';
import type { EmailTokens } from './email-tokens.ts';
import type { PasswordHasher } from './password-hasher.ts';
import type { SecurityEventStore } from './security-events.ts';

interface Deps {
  accounts: AccountService;
  hasher: PasswordHasher;
  tokens: EmailTokens;
  mailer: Mailer;
  sessions: AccountSessionStore;
  events: SecurityEventStore;
  issuer: string;
  service: string;
  tokenTtl: number;
}

export interface Requester { ip: string; userAgent?: string }

const expired = () => new AppError('link_expired', 400, 'This link has expired or was already used. Ask for a new one.');

/**
 * Registration, email verification and password reset: every step is confirmed through a link
 * mailed to the address, every link is single use, and no answer tells whether an email has an
 * account (OWASP ASVS V2.5).
 */
export function createAccountFlows({ accounts, hasher, tokens, mailer, sessions, events, issuer, service, tokenTtl }: Deps) {
  const hours = tokenTtl >= 3600 ? `${Math.round(tokenTtl / 3600)} hour(s)` : `${Math.round(tokenTtl / 60)} minutes`;
  const link = (path: string, token: string, returnTo?: string) =>
    `${issuer}${path}?token=${token}${returnTo ? `&return_to=${encodeURIComponent(returnTo)}` : ''}`;

  return {
    /**
     * Starts a registration. The account is created only when the emailed link is followed, so an
     * address nobody controls never gets one; an address already in use is told so by mail.
     */
    async register(input: { email: string; name: string; password: string; returnTo?: string }, beforeMail: () => Promise<void>): Promise<void> {
      const email = normalizeEmail(input.email);
      const existing = await accounts.findByEmail(email);
      // the password is checked first, whether or not the address is taken: the answer tells nothing
      const passwordHash = await hashChecked(hasher, input.password, { email, name: input.name, service });
      await beforeMail();
      if (existing) {
        await mailer.send({
          to: email, subject: `You already have a ${service} account`,
          text: `Someone (perhaps you) tried to create a ${service} account with this address, which already has one.\n\n`
            + `To sign in without your password, reset it at ${issuer}/forgot-password\n\nIf it was not you, ignore this message.`,
        });
        return;
      }
      const token = await tokens.issue('register', { email, name: input.name, passwordHash }, tokenTtl);
      await mailer.send({
        to: email, subject: `Confirm your ${service} account`,
        text: `Confirm your email address to finish creating your ${service} account:\n\n${link('/register/confirm', token, input.returnTo)}\n\n`
          + `The link works once, for ${hours}. If you did not ask for an account, ignore this message.`,
      });
    },

    /** Creates the account the link stands for, with its email verified. */
    async confirmRegistration(token: unknown, by: Requester) {
      const pending = await tokens.take('register', token);
      if (!pending) throw expired();
      const account = await accounts.create({
        email: String(pending.email), name: String(pending.name) || null, passwordHash: String(pending.passwordHash), emailVerified: true,
      }).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'email_taken') throw new AppError('email_taken', 409, 'This email address already has an account. Sign in instead.');
        throw error;
      });
      await events.record({ accountId: account.id, kind: 'registered', ip: by.ip, userAgent: by.userAgent ?? null, deviceId: null, detail: {} });
      return account;
    },

    /** Mails a link that marks the account's current address as verified. */
    async sendVerification(accountId: string): Promise<void> {
      const account = await accounts.findById(accountId);
      if (!account || account.emailVerified) return;
      const token = await tokens.issue('verify', { accountId, email: account.email }, tokenTtl);
      await mailer.send({
        to: account.email, subject: `Verify your email address for ${service}`,
        text: `Confirm that this address is yours:\n\n${link('/verify-email', token)}\n\nThe link works once, for ${hours}.`,
      });
    },

    async verifyEmail(token: unknown, by: Requester): Promise<void> {
      const claim = await tokens.take('verify', token);
      const account = claim && await accounts.findById(String(claim.accountId));
      if (!account || account.email !== claim!.email) throw expired(); // the address changed since
      await accounts.update(account.id, { emailVerified: true });
      await events.record({ accountId: account.id, kind: 'email_verified', ip: by.ip, userAgent: by.userAgent ?? null, deviceId: null, detail: {} });
    },

    /** Mails a reset link when the address has an active account; answers the same either way. */
    async requestReset(email: string, beforeMail: () => Promise<void>): Promise<void> {
      await beforeMail();
      const account = await accounts.findByEmail(email);
      if (!account || account.disabled) return;
      const token = await tokens.issue('reset', { accountId: account.id }, tokenTtl);
      await mailer.send({
        to: account.email, subject: `Reset your ${service} password`,
        text: `Choose a new password here:\n\n${link('/reset-password', token)}\n\nThe link works once, for ${hours}. `
          + 'If you did not ask for it, ignore this message: your password stays as it is.',
      });
    },

    /** Whether a reset link is still good (to show its form). */
    resetIsValid: async (token: unknown) => Boolean(await tokens.peek('reset', token)),

    /**
     * Sets a new password through a reset link. The password is checked before the link is used
     * up, so a refused password loses nothing; then every session of the account ends.
     */
    async resetPassword(token: unknown, password: string, by: Requester): Promise<void> {
      const claim = await tokens.peek('reset', token);
      const account = claim && await accounts.findById(String(claim.accountId));
      if (!account) throw expired();
      const passwordHash = await hashChecked(hasher, password, { email: account.email, name: account.name, service });
      if (!(await tokens.take('reset', token))) throw expired(); // used meanwhile by another request
      await accounts.update(account.id, { passwordHash, emailVerified: true }); // the link proved the address
      const ended = await sessions.end(account.id, {});
      await events.record({ accountId: account.id, kind: 'password_reset', ip: by.ip, userAgent: by.userAgent ?? null, deviceId: null, detail: { sessionsEnded: ended } });
      await mailer.send({
        to: account.email, subject: `Your ${service} password was changed`,
        text: `The password of your ${service} account was just reset, and every session was signed out.\n\n`
          + `If this was not you, reset it again at ${issuer}/forgot-password and contact your administrator.`,
      });
    },
  };
}

export type AccountFlows = ReturnType<typeof createAccountFlows>;
