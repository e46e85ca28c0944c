import crypto from 'node:crypto';
import type { FactorStore } from './factor.ts';

const COUNT = 10;
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no 0/o, 1/l/i to misread

/** Lower-cased, separators dropped: "ABCD-EFGH-JK" and "abcdefghjk" are the same code. */
const normalize = (code: string) => code.toLowerCase().replace(/[\s-]/g, '');
const hash = (code: string) => crypto.createHash('sha256').update(normalize(code)).digest('hex');

/** Ten single-use codes for when the phone is lost: shown once, stored hashed, used up on use. */
export function createRecoveryCodes(factors: FactorStore) {
  return {
    amr: ['otp'],

    /** New codes replacing any earlier ones; the plain codes are returned once, never stored. */
    async regenerate(accountId: string): Promise<string[]> {
      const codes = Array.from({ length: COUNT }, () => {
        const chars = Array.from(crypto.randomBytes(10), (byte) => ALPHABET[byte % ALPHABET.length]).join('');
        return `${chars.slice(0, 5)}-${chars.slice(5)}`;
      });
      await factors.replaceAll(accountId, 'recovery', codes.map((code) => ({ accountId, kind: 'recovery', secret: hash(code) })));
      return codes;
    },

    remaining: async (accountId: string) => (await factors.list(accountId, 'recovery')).length,

    /** Uses a code up, atomically: of two requests with the same code, one succeeds. */
    verify: (accountId: string, code: string) =>
      /^[a-z0-9]{10}$/.test(normalize(code)) ? factors.consumeRecoveryCode(accountId, hash(code)) : Promise.resolve(false),
  };
}

export type RecoveryCodes = ReturnType<typeof createRecoveryCodes>;
