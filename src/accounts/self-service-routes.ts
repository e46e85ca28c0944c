import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { AppError } from '../app-error.ts';
import type { Csrf } from '../http/csrf.ts';
import type { Render } from '../http/views.ts';
import { formFields, refusal } from '../http/forms.ts';
import { methodsOf, type Mfa } from '../mfa/mfa-service.ts';
import type { FactorStore } from '../mfa/factor.ts';
import type { SingleUseStore } from './single-use.ts';
import { ownSignIn } from '../provider/own-sign-in.ts';
import { currentSession } from '../provider/current-session.ts';
import type { AccountFlows } from './account-flows.ts';
import type { AccountService } from './account-service.ts';
import type { AccountSessionStore } from './account-sessions.ts';
import type { SecurityEventStore } from './security-events.ts';

interface Deps {
  provider: Provider;
  accounts: AccountService;
  flows: AccountFlows;
  mfa: Mfa;
  factors: FactorStore;
  sessions: AccountSessionStore;
  events: SecurityEventStore;
  pending: SingleUseStore;
  csrf: Csrf;
  render: Render;
  issuer: string;
}

interface Me {
  accountId: string;
  sessionId: string;
  sessionUid: string;
}

const STATE_COOKIE = 'gatehouse.account_state';

/**
 * The self-service pages under /account: profile, password, authenticator app, recovery codes,
 * sessions and recent security events. They use the sign-in session itself, reached through an
 * ordinary authorization request of a first-party client, so they sit behind the same login and
 * second factor as every application.
 */
export function createSelfServiceRoutes(deps: Deps): Router {
  const { provider, accounts, flows, mfa, factors, sessions, events, pending, csrf, render, issuer } = deps;
  const router = new Router({ prefix: '/account' });
  const form = bodyParser({ enableTypes: ['form'], formLimit: '16kb' });
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: '64kb' });

  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  /** The signed-in account, from oidc-provider's session cookie. */
  const me = async (ctx: Context): Promise<Me | undefined> => {
    const session = await currentSession(provider, ctx);
    return session && { accountId: session.accountId, sessionId: session.id, sessionUid: session.uid };
  };
  const signIn = ownSignIn({ client: 'account', issuer, cookie: STATE_COOKIE, path: '/account', again: 'Open your account page again.' });
  const signInFirst = (ctx: Context) => signIn.start(ctx, ctx.method === 'GET' && /^\/account(\/[\w/-]*)?$/.test(ctx.path) ? ctx.path : '/account');
  const signedIn = async (ctx: Context): Promise<Me> => {
    const who = await me(ctx);
    if (!who) throw new AppError('sign_in_required', 401, 'Sign in first.');
    return who;
  };
  const checkCsrf = (ctx: Context, who: Me) => {
    if (!csrf.verify(`account:${who.sessionUid}`, (ctx.request.body as Record<string, unknown>)?.csrf)) {
      throw new AppError('csrf', 403, 'The form has expired or did not come from this site. Go back and try again.');
    }
    return formFields(ctx);
  };
  /** A form post from the account pages: the signed-in person, their CSRF token checked, the fields. */
  const posted = async (ctx: Context) => {
    const who = await signedIn(ctx);
    return { who, field: checkCsrf(ctx, who) };
  };

  const by = (ctx: Context, accountId: string) => ({ accountId, ip: ctx.ip, userAgent: ctx.get('user-agent') || null, deviceId: null });

  const show = async (ctx: Context, who: Me, view: string, data: Record<string, unknown> = {}) => {
    const account = await accounts.findById(who.accountId);
    if (!account) throw new AppError('sign_in_required', 401, 'Sign in first.');
    ctx.type = 'html';
    ctx.body = render(view, { account, csrf: csrf.tokenFor(`account:${who.sessionUid}`), ...data });
  };
  const overview = async (ctx: Context, who: Me, extra: Record<string, unknown> = {}) => {
    const [all, live, recent] = await Promise.all([
      factors.list(who.accountId), sessions.list(who.accountId),
      events.recent(who.accountId, 20, ['sign_in', 'sign_in_failed', 'risk_decision', 'mfa_required', 'password_changed', 'password_reset', 'factor_added', 'factor_removed', 'recovery_codes_regenerated', 'sessions_ended']),
    ]);
    const [totps, passkeys] = [all.filter((f) => f.kind === 'totp'), all.filter((f) => f.kind === 'passkey')];
    await show(ctx, who, 'account', { title: 'Your account', methods: methodsOf(all), totps, passkeys, sessions: live, current: who.sessionId, events: recent, ...extra });
  };

  // a GET without a session starts a sign-in; forms without one are refused
  router.use(async (ctx, next) => {
    if (ctx.path === '/account/callback' || ctx.method !== 'GET' || (await me(ctx))) return next();
    signInFirst(ctx);
  });

  router.get('/callback', async (ctx) => signIn.finish(ctx));

  router.get('/', async (ctx) => overview(ctx, await signedIn(ctx)));

  router.post('/profile', form, async (ctx) => {
    const { who, field } = await posted(ctx);
    const name = field('name').trim();
    if (!name || name.length > 200) {
      ctx.status = 400;
      return overview(ctx, who, { error: 'Enter your name (at most 200 characters).' });
    }
    await accounts.update(who.accountId, { name });
    await overview(ctx, who, { notice: 'Your name is saved.' });
  });

  router.post('/verify-email', form, async (ctx) => {
    const { who } = await posted(ctx);
    await flows.sendVerification(who.accountId);
    await overview(ctx, who, { notice: 'We sent you a link to verify your email address.' });
  });

  router.post('/password', form, async (ctx) => {
    const { who, field } = await posted(ctx);
    try {
      if (field('password') !== field('password_confirm')) throw new AppError('password_mismatch', 400, 'The two new passwords differ.');
      await accounts.changePassword(who.accountId, field('current_password'), field('password'), ctx.ip);
      const ended = await sessions.end(who.accountId, { allBut: who.sessionId });
      await events.record({ ...by(ctx, who.accountId), kind: 'password_changed', detail: { sessionsEnded: ended } });
      await overview(ctx, who, { notice: 'Your password is changed; your other sessions were signed out.' });
    } catch (error) {
      await overview(ctx, who, { error: refusal(ctx, error) });
    }
  });

  router.post('/totp', form, async (ctx) => {
    const { who } = await posted(ctx);
    const account = (await accounts.findById(who.accountId))!;
    const enrolment = await mfa.totp.start(account.email);
    await pending.remove(`totp-enrolment:${who.accountId}`);
    await pending.put(`totp-enrolment:${who.accountId}`, { secret: enrolment.secret }, 900);
    await show(ctx, who, 'account-totp', { title: 'Set up an authenticator app', enrolment });
  });

  router.post('/totp/confirm', form, async (ctx) => {
    const { who, field } = await posted(ctx);
    const started = await pending.peek(`totp-enrolment:${who.accountId}`);
    if (!started) throw new AppError('enrolment_expired', 400, 'This setup has expired. Start again.');
    const secret = String(started.secret);
    let match: { step: number };
    try {
      match = await mfa.confirmTotp(who.accountId, secret, field('code'));
    } catch (error) {
      const message = refusal(ctx, error);
      const account = (await accounts.findById(who.accountId))!;
      return show(ctx, who, 'account-totp', { title: 'Set up an authenticator app', enrolment: await mfa.totp.render(secret, account.email), error: message });
    }
    await pending.remove(`totp-enrolment:${who.accountId}`);
    const name = field('name').trim().slice(0, 100) || 'Authenticator app';
    await factors.add({ accountId: who.accountId, kind: 'totp', name, secret, lastStep: match.step });
    await events.record({ ...by(ctx, who.accountId), kind: 'factor_added', detail: { factor: 'totp', name } });
    const codes = (await mfa.methods(who.accountId)).recoveryCodes ? undefined : await mfa.recovery.regenerate(who.accountId);
    await show(ctx, who, 'account-codes', { title: 'Authenticator app added', codes, added: name });
  });

  router.post('/passkeys/options', json, async (ctx) => {
    const { who } = await posted(ctx);
    const account = (await accounts.findById(who.accountId))!;
    ctx.body = await mfa.passkeys.registrationOptions(`register:${who.accountId}`, account);
  });

  router.post('/passkeys', json, async (ctx) => {
    const { who, field } = await posted(ctx);
    const name = field('name').trim().slice(0, 100) || 'Passkey';
    await mfa.passkeys.register(`register:${who.accountId}`, who.accountId, (ctx.request.body as Record<string, unknown>).response, name);
    await events.record({ ...by(ctx, who.accountId), kind: 'factor_added', detail: { factor: 'passkey', name } });
    ctx.body = { location: '/account' };
  });

  router.param('id', async (id, ctx, next) => {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) && ctx.path.includes('/factors/')) {
      throw new AppError('not_found', 404, 'There is no such factor on your account.');
    }
    await next();
  });

  router.post('/factors/:id/rename', form, async (ctx) => {
    const { who, field } = await posted(ctx);
    const name = field('name').trim();
    if (!name || name.length > 100) {
      ctx.status = 400;
      return overview(ctx, who, { error: 'Enter a name of at most 100 characters.' });
    }
    if (!(await factors.rename(who.accountId, ctx.params.id!, name))) throw new AppError('not_found', 404, 'There is no such factor on your account.');
    await overview(ctx, who, { notice: `Renamed to ${name}.` });
  });

  router.post('/factors/:id/remove', form, async (ctx) => {
    const { who } = await posted(ctx);
    if (!(await factors.remove(who.accountId, ctx.params.id!))) throw new AppError('not_found', 404, 'There is no such factor on your account.');
    await events.record({ ...by(ctx, who.accountId), kind: 'factor_removed', detail: {} });
    if (!(await mfa.hasStrongFactor(who.accountId))) await factors.replaceAll(who.accountId, 'recovery', []); // codes stand in for a factor
    await overview(ctx, who, { notice: 'The factor is removed.' });
  });

  router.post('/recovery-codes', form, async (ctx) => {
    const { who } = await posted(ctx);
    if (!(await mfa.hasStrongFactor(who.accountId))) throw new AppError('no_factor', 400, 'Add an authenticator app or a passkey first.');
    const codes = await mfa.recovery.regenerate(who.accountId);
    await events.record({ ...by(ctx, who.accountId), kind: 'recovery_codes_regenerated', detail: {} });
    await show(ctx, who, 'account-codes', { title: 'New recovery codes', codes });
  });

  router.post('/sessions/:id/end', form, async (ctx) => {
    const { who } = await posted(ctx);
    const ended = await sessions.end(who.accountId, { only: ctx.params.id! });
    if (!ended) throw new AppError('not_found', 404, 'There is no such session on your account.');
    await events.record({ ...by(ctx, who.accountId), kind: 'sessions_ended', detail: { count: ended } });
    if (ctx.params.id === who.sessionId) return void ctx.redirect('/account');
    await overview(ctx, who, { notice: 'The session is signed out.' });
  });

  router.post('/sessions/end-others', form, async (ctx) => {
    const { who } = await posted(ctx);
    const ended = await sessions.end(who.accountId, { allBut: who.sessionId });
    await events.record({ ...by(ctx, who.accountId), kind: 'sessions_ended', detail: { count: ended } });
    await overview(ctx, who, { notice: `${ended} other session(s) signed out.` });
  });

  return router;
}
