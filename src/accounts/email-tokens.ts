import crypto from 'node:crypto';
import type { SingleUseStore } from './single-use.ts';

export type EmailTokenPurpose = 'register' | 'verify' | 'reset' | 'magic';

/** A mailed link's token (256 random bits, base64url) as stored: its SHA-256; undefined for anything else. */
export const hashLinkToken = (token: unknown): string | undefined =>
  (typeof token === 'string' && /^[\w-]{43}$/.test(token) ? crypto.createHash('sha256').update(token).digest('base64url') : undefined);

/**
 * Tokens sent in email links: 256 random bits, stored only as a SHA-256 (a leaked store reveals
 * no usable link), expiring, and taken in one atomic step so each link works once.
 */
export function createEmailTokens(store: SingleUseStore) {
  const key = (purpose: EmailTokenPurpose, token: unknown) => {
    const hash = hashLinkToken(token);
    return hash && `email:${purpose}:${hash}`;
  };
  return {
    async issue(purpose: EmailTokenPurpose, value: Record<string, unknown>, ttlSeconds: number): Promise<string> {
      const token = crypto.randomBytes(32).toString('base64url');
      await store.put(key(purpose, token)!, value, ttlSeconds);
      return token;
    },
    /** The token's value while it is valid, without using it up. */
    async peek(purpose: EmailTokenPurpose, token: unknown) {
      const k = key(purpose, token);
      return k ? store.peek(k) : undefined;
    },
    async take(purpose: EmailTokenPurpose, token: unknown) {
      const k = key(purpose, token);
      return k ? store.take(k) : undefined;
    },
  };
}

export type EmailTokens = ReturnType<typeof createEmailTokens>;
