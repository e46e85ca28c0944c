import type Router from '@koa/router';
import type { Context } from 'koa';
import { etagOf } from '../etag.ts';
import type { ClientView } from '../manage-clients.ts';
import { deletePages } from './delete-pages.ts';
import { doneNotice, PAGE_SIZE, queryText, type AdminUi } from './admin-session.ts';

const NOTICES: Record<string, string> = { saved: 'The client is saved.', deleted: 'The client is deleted.' };
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'];
export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];

/** One URI a line. */
const lines = (text: string) => text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

/** The form's main client fields as metadata; response types follow the grant types (RFC 7591 §2.1). */
function mainFields(ui: AdminUi, ctx: Context) {
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  const chosen = ([] as unknown[]).concat(body.grant_types ?? []).filter((g): g is string => typeof g === 'string' && GRANT_TYPES.includes(g));
  const name = ui.field(ctx, 'client_name').trim();
  return {
    client_name: name || null,
    redirect_uris: lines(ui.field(ctx, 'redirect_uris')),
    post_logout_redirect_uris: lines(ui.field(ctx, 'post_logout_redirect_uris')),
    grant_types: chosen,
    response_types: chosen.includes('authorization_code') ? ['code'] : [],
  };
}

/** OIDC clients: list, detail with metadata, create, edit the main fields, rotate the secret, delete. */
export function clientPages(router: Router, ui: AdminUi): void {
  const { admin, who, field } = ui;
  const path = (id: string) => `/admin/clients/${encodeURIComponent(id)}`;
  const detail = (ctx: Context, client: ClientView, extra: Record<string, unknown> = {}) =>
    ui.page(ctx, 'client', { title: `Client ${client.client_id}`, client, etag: etagOf(client), GRANT_TYPES, notice: doneNotice(ctx, NOTICES), ...extra });
  /** A refusal shown on the client's page (the status stays explicit under the page). */
  const refusedOn = async (ctx: Context, id: string, error: unknown) => detail(ctx, await admin.clients.get(id), { error: ui.refused(ctx, error) });

  router.get('/clients', async (ctx) => {
    const page = await admin.clients.page({ cursor: queryText(ctx, 'cursor'), limit: PAGE_SIZE });
    ui.page(ctx, 'clients', { title: 'Clients', page, notice: doneNotice(ctx, NOTICES) });
  });

  router.get('/clients/new', async (ctx) => ui.page(ctx, 'client-new', { title: 'New client', values: {}, GRANT_TYPES, AUTH_METHODS }));

  router.post('/clients', async (ctx) => {
    const { client_name: name, ...main } = mainFields(ui, ctx);
    const method = field(ctx, 'token_endpoint_auth_method');
    const input = {
      client_id: field(ctx, 'client_id').trim(), ...(name ? { client_name: name } : {}), ...main,
      token_endpoint_auth_method: AUTH_METHODS.includes(method) ? method : 'client_secret_basic',
      first_party: field(ctx, 'first_party') === 'on',
    };
    if (!input.post_logout_redirect_uris.length) delete (input as Partial<typeof input>).post_logout_redirect_uris;
    try {
      const created = await admin.clients.create(who(ctx).actor, input);
      ui.page(ctx, 'client-secret', { title: 'Client created', client: created.client, secret: created.client_secret, warnings: created.warnings, created: true });
    } catch (error) {
      ui.page(ctx, 'client-new', { title: 'New client', values: { ...input, redirect_uris: field(ctx, 'redirect_uris'), post_logout_redirect_uris: field(ctx, 'post_logout_redirect_uris') }, GRANT_TYPES, AUTH_METHODS, error: ui.refused(ctx, error) });
    }
  });

  router.get('/clients/:id', async (ctx) => detail(ctx, await admin.clients.get(ctx.params.id!)));

  router.post('/clients/:id', async (ctx) => {
    const id = ctx.params.id!;
    try {
      const { client_name: name, post_logout_redirect_uris: logout, ...main } = mainFields(ui, ctx);
      // RFC 7396: null removes a field left empty
      const updated = await admin.clients.update(who(ctx).actor, id, { ...main, client_name: name, post_logout_redirect_uris: logout.length ? logout : null }, field(ctx, 'if_match'));
      if (updated.warnings.length) return detail(ctx, updated.client, { notice: NOTICES.saved, warnings: updated.warnings });
      ctx.redirect(`${path(id)}?done=saved`);
    } catch (error) {
      await refusedOn(ctx, id, error);
    }
  });

  router.post('/clients/:id/rotate-secret', async (ctx) => {
    const id = ctx.params.id!;
    try {
      const rotated = await admin.clients.rotateSecret(who(ctx).actor, id, field(ctx, 'if_match'));
      ui.page(ctx, 'client-secret', { title: 'New client secret', client: rotated.client, secret: rotated.client_secret, warnings: [], created: false });
    } catch (error) {
      await refusedOn(ctx, id, error);
    }
  });

  deletePages(router, ui, {
    list: '/admin/clients', param: 'id', get: admin.clients.get, keyOf: (c) => String(c.client_id), title: 'Delete a client',
    question: (c) => `Delete the client ${String(c.client_id)}${c.client_name ? ` (${String(c.client_name)})` : ''}? Its tokens stop working and it cannot sign anyone in any more.`,
    remove: (actor, key, ifMatch) => admin.clients.delete(actor, key, ifMatch),
    refusedOn: async (ctx, key, error) => detail(ctx, await admin.clients.get(key), { error }),
  });
}
