import crypto from 'node:crypto';
import type { SingleUseStore } from '../accounts/single-use.ts';
import type { Mailer } from '../mail/mailer.ts';

/**
 * Six-digit codes sent by email, bound to one sign-in (the interaction), valid for a few minutes
 * and used once. Only a hash of the code is stored, in the key itself, so checking a code is one
 * atomic take.
 */
export function createEmailCodes(store: SingleUseStore, mailer: Mailer, service: string, ttlSeconds: number) {
  const key = (binding: string, accountId: string, code: string) =>
    `email-code:${binding}:${accountId}:${crypto.createHash('sha256').update(code).digest('base64url')}`;
  return {
    amr: ['otp'],

    async send(binding: string, account: { id: string; email: string }): Promise<void> {
      const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
      await store.put(key(binding, account.id, code), { accountId: account.id }, ttlSeconds);
      await mailer.send({
        to: account.email, subject: `${code} is your ${service} sign-in code`,
        text: `Your ${service} sign-in code is ${code}.\n\nIt works once, for ${Math.round(ttlSeconds / 60)} minutes. `
          + 'If you did not try to sign in, someone may know your password: change it.',
      });
    },

    verify: async (binding: string, accountId: string, code: string) =>
      /^\d{6}$/.test(code) && Boolean(await store.take(key(binding, accountId, code))),
  };
}

export type EmailCodes = ReturnType<typeof createEmailCodes>;
