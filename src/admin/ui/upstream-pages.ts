import type Router from '@koa/router';
import type { Context } from 'koa';
import { AppError } from '../../app-error.ts';
import { oidcIdentityProvider, formatPath } from '../../import/import-schema.ts';
import { deletePages } from './delete-pages.ts';
import { doneNotice, PAGE_SIZE, queryText, type AdminUi } from './admin-session.ts';

const NOTICES: Record<string, string> = { created: 'The identity provider is added.', deleted: 'The identity provider is deleted.' };

/** Upstream identity providers: list, detail, add an OpenID provider, delete. */
export function upstreamPages(router: Router, ui: AdminUi): void {
  const { admin, who, field } = ui;
  const path = (id: string) => `/admin/upstreams/${encodeURIComponent(id)}`;

  router.get('/upstreams', async (ctx) => {
    const page = await admin.upstreams.page({ cursor: queryText(ctx, 'cursor'), limit: PAGE_SIZE });
    ui.page(ctx, 'upstreams', { title: 'Upstream identity providers', page, notice: doneNotice(ctx, NOTICES) });
  });

  router.get('/upstreams/new', async (ctx) => ui.page(ctx, 'upstream-new', { title: 'Add an OpenID provider', values: {} }));

  router.post('/upstreams', async (ctx) => {
    const text = (name: string) => field(ctx, name).trim() || undefined;
    const values = {
      id: text('id'), display_name: text('display_name'), issuer: text('issuer'), client_id: text('client_id'),
      client_secret: text('client_secret'), scopes: text('scopes'),
    };
    try {
      const parsed = oidcIdentityProvider.safeParse(values);
      if (!parsed.success) {
        throw new AppError('invalid_request', 400, parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; '));
      }
      const created = await admin.upstreams.create(who(ctx).actor, { kind: 'oidc', ...parsed.data });
      ctx.redirect(`${path(created.id)}?done=created`);
    } catch (error) {
      ui.page(ctx, 'upstream-new', { title: 'Add an OpenID provider', values: { ...values, client_secret: undefined }, error: ui.refused(ctx, error) });
    }
  });

  const detail = async (ctx: Context, id: string, extra: Record<string, unknown> = {}) => {
    const upstream = await admin.upstreams.get(id);
    ui.page(ctx, 'upstream', { title: upstream.displayName, upstream, notice: doneNotice(ctx, NOTICES), ...extra });
  };
  router.get('/upstreams/:id', (ctx) => detail(ctx, ctx.params.id!));

  deletePages(router, ui, {
    list: '/admin/upstreams', param: 'id', get: admin.upstreams.get, keyOf: (u) => u.id, title: 'Delete an identity provider',
    question: (u) => `Delete the identity provider ${u.id} (${u.displayName})? People who sign in through it cannot any more.`,
    remove: (actor, key, ifMatch) => admin.upstreams.delete(actor, key, ifMatch),
    refusedOn: (ctx, key, error) => detail(ctx, key, { error }),
  });
}
