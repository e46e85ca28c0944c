import type Router from '@koa/router';
import type { Context } from 'koa';
import { AppError } from '../../app-error.ts';
import { etagOf } from '../etag.ts';
import type { AccountView } from '../manage-accounts.ts';
import { doneNotice, PAGE_SIZE, queryText, wordsFrom, type AdminUi } from './admin-session.ts';

const NOTICES: Record<string, string> = {
  created: 'The account is created.',
  saved: 'The account is saved.',
  disabled: 'The account is disabled and signed out everywhere.',
  factors: 'Every second factor and passkey of the account is removed; it enrols again at its next sign-in.',
  session: 'The session is signed out.',
  sessions: 'Every session of the account is signed out.',
};

/** Roles as typed in a text field: separated by commas or spaces. */

/** Accounts: search, pages, detail with its sessions, create, edit, disable, reset factors, end sessions. */
export function accountPages(router: Router, ui: AdminUi): void {
  const { admin, who, field } = ui;
  const path = (id: string) => `/admin/accounts/${encodeURIComponent(id)}`;

  const detail = async (ctx: Context, account: AccountView, extra: Record<string, unknown> = {}) => {
    const sessions = await admin.accounts.sessions(account.id);
    ui.page(ctx, 'account', { title: account.email, account, etag: etagOf(account), sessions, notice: doneNotice(ctx, NOTICES), ...extra });
  };
  /** Runs one change from a form of the account's page: back to the page, or the page with the refusal. */
  const change = async (ctx: Context, done: string, act: (id: string) => Promise<unknown>) => {
    const id = ctx.params.id!;
    try {
      await act(id);
      ctx.redirect(`${path(id)}?done=${done}`);
    } catch (error) {
      const message = ui.refused(ctx, error); // the status stays explicit under the page
      await detail(ctx, await admin.accounts.get(id), { error: message });
    }
  };

  router.get('/accounts', async (ctx) => {
    const search = queryText(ctx, 'q');
    const page = await admin.accounts.page({ search, cursor: queryText(ctx, 'cursor'), limit: PAGE_SIZE });
    ui.page(ctx, 'accounts', { title: 'Accounts', search, page });
  });

  router.get('/accounts/new', async (ctx) => ui.page(ctx, 'account-new', { title: 'New account', values: {} }));

  router.post('/accounts', async (ctx) => {
    const values = { email: field(ctx, 'email').trim(), name: field(ctx, 'name').trim(), roles: field(ctx, 'roles'), email_verified: field(ctx, 'email_verified') === 'on' };
    try {
      if (!values.email) throw new AppError('invalid_request', 400, 'email: enter the account\'s email address');
      const password = field(ctx, 'password');
      const created = await admin.accounts.create(who(ctx).actor, {
        email: values.email, name: values.name || null, roles: wordsFrom(values.roles), email_verified: values.email_verified, ...(password ? { password } : {}),
      });
      ctx.redirect(`${path(created.id)}?done=created`);
    } catch (error) {
      ui.page(ctx, 'account-new', { title: 'New account', values, error: ui.refused(ctx, error) });
    }
  });

  router.get('/accounts/:id', async (ctx) => detail(ctx, await admin.accounts.get(ctx.params.id!)));

  router.post('/accounts/:id', (ctx) => change(ctx, 'saved', (id) => admin.accounts.update(who(ctx).actor, id, {
    name: field(ctx, 'name').trim() || null,
    roles: wordsFrom(field(ctx, 'roles')),
    email_verified: field(ctx, 'email_verified') === 'on',
    disabled: field(ctx, 'disabled') === 'on',
  }, field(ctx, 'if_match'))));

  router.post('/accounts/:id/disable', (ctx) => change(ctx, 'disabled', (id) => admin.accounts.disable(who(ctx).actor, id)));
  router.post('/accounts/:id/reset-factors', (ctx) => change(ctx, 'factors', (id) => admin.accounts.resetFactors(who(ctx).actor, id)));
  router.post('/accounts/:id/sessions/end-all', (ctx) => change(ctx, 'sessions', (id) => admin.accounts.endSessions(who(ctx).actor, id, 'all')));
  router.post('/accounts/:id/sessions/:session/end', (ctx) => change(ctx, 'session', (id) => admin.accounts.endSessions(who(ctx).actor, id, { only: ctx.params.session! })));
}
