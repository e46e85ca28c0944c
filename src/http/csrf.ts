import crypto from 'node:crypto';

/**
 * CSRF tokens for interaction forms: an HMAC of the interaction's uid, which is itself bound to
 * the browser's interaction cookie. Stateless, unforgeable without the cookie secret, and
 * compared in constant time (OWASP ASVS V4.2.2).
 */
export function createCsrf(secret: string) {
  const tokenFor = (uid: string) => crypto.createHmac('sha256', secret).update(`csrf:${uid}`).digest('base64url');
  return {
    tokenFor,
    verify(uid: string, token: unknown): boolean {
      if (typeof token !== 'string') return false;
      const expected = Buffer.from(tokenFor(uid));
      const given = Buffer.from(token);
      return given.length === expected.length && crypto.timingSafeEqual(given, expected);
    },
  };
}

export type Csrf = ReturnType<typeof createCsrf>;
