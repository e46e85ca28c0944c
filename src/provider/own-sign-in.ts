import crypto from 'node:crypto';
import type { Context } from 'koa';
import { AppError } from '../app-error.ts';
import { ownAuthorizationUrl, type OWN_CLIENTS } from './own-clients.ts';

/**
 * The round trip of one of Gatehouse's own pages through its first-party client: a state cookie
 * (scoped to the pages' path) remembers where to come back to, and the callback checks it in
 * constant time (RFC 6749 §10.12) before returning there.
 */
export function ownSignIn({ client, issuer, cookie, path, again }: { client: keyof typeof OWN_CLIENTS; issuer: string; cookie: string; path: string; again: string }) {
  return {
    /** Sends the browser to sign in, to come back to `back` afterwards. */
    start(ctx: Context, back: string, extra: Record<string, string> = {}): void {
      const state = crypto.randomBytes(16).toString('base64url');
      ctx.cookies.set(cookie, `${state}.${back}`, { signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, path, maxAge: 3600_000, overwrite: true });
      ctx.redirect(ownAuthorizationUrl(issuer, client, state, extra));
    },
    /** The callback: checks the state, then returns to the page the sign-in started from. */
    finish(ctx: Context): void {
      const [state, back] = (ctx.cookies.get(cookie, { signed: true }) ?? '').split('.');
      const given = typeof ctx.query.state === 'string' ? ctx.query.state : '';
      if (!state || given.length !== state.length || !crypto.timingSafeEqual(Buffer.from(given), Buffer.from(state))) {
        throw new AppError('invalid_state', 400, `This sign-in did not start here. ${again}`);
      }
      if (ctx.query.error) throw new AppError('sign_in_failed', 400, `The sign-in did not complete. ${again}`);
      ctx.cookies.set(cookie, '', { path, maxAge: 0 });
      ctx.redirect(back || path);
    },
  };
}
