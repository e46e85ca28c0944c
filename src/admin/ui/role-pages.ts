import type Router from '@koa/router';
import type { Context } from 'koa';
import { AppError } from '../../app-error.ts';
import type { Role } from '../../accounts/roles.ts';
import { etagOf } from '../etag.ts';
import { doneNotice, PAGE_SIZE, queryText, wordsFrom, type AdminUi } from './admin-session.ts';

const NOTICES: Record<string, string> = { created: 'The role is created.', saved: 'The role is saved.' };

/** Permissions as typed: one a line, or separated by commas or spaces. */

/** Roles and the permissions they grant: list, create, edit. */
export function rolePages(router: Router, ui: AdminUi): void {
  const { admin, who, field } = ui;
  const path = (name: string) => `/admin/roles/${encodeURIComponent(name)}`;
  const detail = (ctx: Context, role: Role, extra: Record<string, unknown> = {}) =>
    ui.page(ctx, 'role', { title: `Role ${role.name}`, role, etag: etagOf(role), notice: doneNotice(ctx, NOTICES), ...extra });

  router.get('/roles', async (ctx) => {
    const page = await admin.roles.page({ cursor: queryText(ctx, 'cursor'), limit: PAGE_SIZE });
    ui.page(ctx, 'roles', { title: 'Roles', page, values: {} });
  });

  router.post('/roles', async (ctx) => {
    const values = { name: field(ctx, 'name').trim(), description: field(ctx, 'description').trim(), permissions: field(ctx, 'permissions') };
    try {
      if (!/^[\w.:-]{1,100}$/.test(values.name)) throw new AppError('invalid_request', 400, 'name: 1 to 100 letters, digits, dots, colons, dashes or underscores');
      const role = await admin.roles.create(who(ctx).actor, { name: values.name, description: values.description || null, permissions: wordsFrom(values.permissions) });
      ctx.redirect(`${path(role.name)}?done=created`);
    } catch (error) {
      const message = ui.refused(ctx, error);
      ui.page(ctx, 'roles', { title: 'Roles', page: await admin.roles.page({ limit: PAGE_SIZE }), values, error: message });
    }
  });

  router.get('/roles/:name', async (ctx) => detail(ctx, await admin.roles.get(ctx.params.name!)));

  router.post('/roles/:name', async (ctx) => {
    const name = ctx.params.name!;
    try {
      const description = field(ctx, 'description').trim();
      await admin.roles.update(who(ctx).actor, name, { description: description || null, permissions: wordsFrom(field(ctx, 'permissions')) }, field(ctx, 'if_match'));
      ctx.redirect(`${path(name)}?done=saved`);
    } catch (error) {
      const message = ui.refused(ctx, error);
      detail(ctx, await admin.roles.get(name), { error: message });
    }
  });
}
