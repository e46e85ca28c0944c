import type Router from '@koa/router';
import type { Context } from 'koa';
import { AppError } from '../../app-error.ts';
import { deletePages } from './delete-pages.ts';
import { doneNotice, PAGE_SIZE, queryText, type AdminUi } from './admin-session.ts';

const NOTICES: Record<string, string> = { created: 'The service provider is added.', deleted: 'The service provider is deleted.' };

/** Downstream SAML service providers: list, detail, add from pasted metadata or a metadata URL, delete. */
export function serviceProviderPages(router: Router, ui: AdminUi): void {
  const { admin, who, field } = ui;
  const path = (entityId: string) => `/admin/saml-sps/${encodeURIComponent(entityId)}`;

  router.get('/saml-sps', async (ctx) => {
    const page = await admin.serviceProviders.page({ cursor: queryText(ctx, 'cursor'), limit: PAGE_SIZE });
    ui.page(ctx, 'saml-sps', { title: 'SAML service providers', page, notice: doneNotice(ctx, NOTICES) });
  });

  router.get('/saml-sps/new', async (ctx) => ui.page(ctx, 'saml-sp-new', { title: 'Add a SAML service provider', values: {} }));

  router.post('/saml-sps', async (ctx) => {
    const values = { metadata: field(ctx, 'metadata').trim(), metadata_url: field(ctx, 'metadata_url').trim() };
    try {
      // only pasted metadata or a URL: a path on this server's disk is for the CLI and import file
      if (Boolean(values.metadata) === Boolean(values.metadata_url)) throw new AppError('invalid_request', 400, 'metadata: paste the metadata or give its URL (one of the two)');
      const created = await admin.serviceProviders.create(who(ctx).actor, values.metadata ? { metadata: values.metadata } : { metadata_url: values.metadata_url });
      ctx.redirect(`${path(created.entity_id)}?done=created`);
    } catch (error) {
      ui.page(ctx, 'saml-sp-new', { title: 'Add a SAML service provider', values, error: ui.refused(ctx, error) });
    }
  });

  const detail = async (ctx: Context, entityId: string, extra: Record<string, unknown> = {}) => {
    const sp = await admin.serviceProviders.get(entityId);
    ui.page(ctx, 'saml-sp', { title: sp.entity_id, sp, notice: doneNotice(ctx, NOTICES), ...extra });
  };
  router.get('/saml-sps/:entity', (ctx) => detail(ctx, ctx.params.entity!));

  deletePages(router, ui, {
    list: '/admin/saml-sps', param: 'entity', get: admin.serviceProviders.get, keyOf: (sp) => sp.entity_id, title: 'Delete a SAML service provider',
    question: (sp) => `Delete the service provider ${sp.entity_id}? Its users cannot sign in to it through this identity provider any more.`,
    remove: (actor, key, ifMatch) => admin.serviceProviders.delete(actor, key, ifMatch),
    refusedOn: (ctx, key, error) => detail(ctx, key, { error }),
  });
}
