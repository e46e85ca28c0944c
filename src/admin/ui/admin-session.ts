import type Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Context, Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { AppError } from '../../app-error.ts';
import type { Account } from '../../accounts/account.ts';
import type { Actor } from '../../audit/changes.ts';
import type { Csrf } from '../../http/csrf.ts';
import { formFields, refusal } from '../../http/forms.ts';
import type { Render } from '../../http/views.ts';
import { currentSession } from '../../provider/current-session.ts';
import { ownSignIn } from '../../provider/own-sign-in.ts';
import type { AdminServices } from '../admin-services.ts';
// the one role that opens the admin plane, the admin API's and these pages' alike (README: "Admin UI")
import { ADMIN_ROLE } from '../api/auth.ts';

/**
 * How old an admin's sign-in may be, in seconds: older sessions sign in again (OIDC Core §3.1.2.1
 * max_age), so a browser left signed in elsewhere does not open the admin pages for long.
 */
export const ADMIN_MAX_AGE = 3600;

/** Rows on a list page. */
export const PAGE_SIZE = 25;

/** A query string parameter as text, or undefined when absent or empty. */
/** Names typed into a form field, separated by spaces or commas, each once. */
export const wordsFrom = (text: string) => [...new Set(text.split(/[\s,]+/).map((w) => w.trim()).filter(Boolean))];

export const queryText = (ctx: Context, name: string): string | undefined => {
  const value = ctx.query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** The notice a redirect after a change asks for (`?done=<key>`), from the page's own list. */
export const doneNotice = (ctx: Context, notices: Record<string, string>): string | undefined => {
  const key = queryText(ctx, 'done');
  return key !== undefined && Object.hasOwn(notices, key) ? notices[key] : undefined;
};

const STATE_COOKIE = 'gatehouse.admin_state';
const PASS_ON = ['csrf', 'sign_in_required', 'not_admin'];

export interface AdminUiDeps {
  provider: Provider;
  admin: AdminServices;
  accounts: { findById(id: string): Promise<Account | undefined> };
  mfa: { hasStrongFactor(accountId: string): Promise<boolean> };
  csrf: Csrf;
  render: Render;
  issuer: string;
}

/** The signed-in admin of a request, set by the guard. */
export interface AdminContext {
  account: Account;
  actor: Actor;
  csrf: string;
}

/** What the area pages share: the services, the admin of the request, rendering and refusals. */
export interface AdminUi {
  admin: AdminServices;
  /** The signed-in admin (the guard has run). */
  who(ctx: Context): AdminContext;
  /** A text field of the posted form ('' when missing). */
  field(ctx: Context, name: string): string;
  /** Renders views/admin/<view>.eta in the admin frame. */
  page(ctx: Context, view: string, data?: Record<string, unknown>): void;
  /** A service refusal as a message for the page (its status set); 412 reads as "changed meanwhile". */
  refused(ctx: Context, error: unknown): string;
}

const stale = (loginTs: number | undefined) => !loginTs || Date.now() / 1000 - loginTs > ADMIN_MAX_AGE;

/**
 * The one gate in front of every admin page: a signed-in session of an account with the admin
 * role, signed in within ADMIN_MAX_AGE and with a second factor when the account has one. A
 * browser without one is sent through the normal login (and second factor) pipeline via the
 * gatehouse-admin client; a signed-in person without the role gets a 403. Every POST carries the
 * session's CSRF token (OWASP ASVS V4.2.2).
 */
export function adminGuard(router: Router, deps: AdminUiDeps): AdminUi {
  const { provider, accounts, mfa, csrf, render, issuer } = deps;
  const form = bodyParser({ enableTypes: ['form'], formLimit: '1mb' });

  const signIn = ownSignIn({ client: 'admin', issuer, cookie: STATE_COOKIE, path: '/admin', again: 'Open the admin pages again.' });
  const signInFirst = (ctx: Context) =>
    signIn.start(ctx, ctx.method === 'GET' && /^\/admin(\/[\w/.%-]*)?$/.test(ctx.path) ? ctx.path : '/admin', { max_age: String(ADMIN_MAX_AGE) });

  const guard: Middleware = async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    if (ctx.path === '/admin/callback') return next();
    const session = await currentSession(provider, ctx);
    const account = session && await accounts.findById(session.accountId);
    const usable = session && account && !account.disabled && !stale(session.loginTs)
      && ((session.amr ?? []).includes('mfa') || !(await mfa.hasStrongFactor(account.id)));
    if (!usable) {
      if (ctx.method === 'GET') return signInFirst(ctx);
      throw new AppError('sign_in_required', 401, 'Your admin sign-in has expired. Open the admin pages again and sign in.');
    }
    if (!account.roles.includes(ADMIN_ROLE)) {
      throw new AppError('not_admin', 403, `You are signed in as ${account.email}, which does not have the ${ADMIN_ROLE} role, so the admin pages are closed to you.`);
    }
    const binding = `admin:${session.uid}`;
    if (ctx.method === 'POST') {
      await form(ctx, async () => undefined);
      if (!csrf.verify(binding, (ctx.request.body as Record<string, unknown> | undefined)?.csrf)) {
        throw new AppError('csrf', 403, 'The form has expired or did not come from this site. Go back, reload the page and try again.');
      }
    }
    ctx.state.admin = { account, actor: `account:${account.id}`, csrf: csrf.tokenFor(binding) } satisfies AdminContext;
    await next();
  };
  router.use(guard);

  router.get('/callback', async (ctx) => signIn.finish(ctx));

  const who = (ctx: Context) => ctx.state.admin as AdminContext;
  return {
    admin: deps.admin,
    who,
    field: (ctx, name) => formFields(ctx)(name),
    page(ctx, view, data = {}) {
      const { account, csrf: token } = who(ctx);
      ctx.type = 'html';
      ctx.body = render(`admin/${view}`, { me: account, csrf: token, ...data });
    },
    refused(ctx, error) {
      if (error instanceof AppError && error.code === 'precondition_failed') {
        ctx.status = 412;
        return 'Someone changed this meanwhile, so nothing was saved. Reload the page to see the current version, then make your change again.';
      }
      return refusal(ctx, error, PASS_ON);
    },
  };
}
