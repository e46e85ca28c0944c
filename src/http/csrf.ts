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

const BINDING_COOKIE = 'gatehouse.csrf';

/**
 * The value that binds CSRF tokens of forms outside an interaction (registration, reset, the
 * account pages): a random per-browser cookie, set on first use. Pass it to tokenFor and verify.
 */
export function browserBinding(ctx: { cookies: { get(name: string, o?: object): string | undefined; set(name: string, value: string, o?: object): unknown }; secure: boolean }): string {
  const existing = ctx.cookies.get(BINDING_COOKIE, { signed: true });
  if (existing) return existing;
  const value = crypto.randomBytes(18).toString('base64url');
  ctx.cookies.set(BINDING_COOKIE, value, { signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/', overwrite: true });
  return value;
}
