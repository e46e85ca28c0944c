import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Actor } from '../../audit/changes.ts';
import { etagOf } from '../etag.ts';
import type { AdminUi } from './admin-session.ts';

interface Deletable<T extends object> {
  /** The object's list, e.g. `/admin/clients`; its pages are `<list>/<key>`. */
  list: string;
  /** The route parameter that names the object, e.g. `id`. */
  param: string;
  get(key: string): Promise<T>;
  keyOf(item: T): string;
  title: string;
  /** The confirmation question. */
  question(item: T): string;
  remove(actor: Actor, key: string, ifMatch: string): Promise<void>;
  /** Shows a refusal on the object's own page. */
  refusedOn(ctx: Context, key: string, message: string): Promise<void> | void;
}

/**
 * Deleting with a confirmation page: GET `<list>/:key/delete` asks, its form posts back with the
 * ETag of the version it showed (If-Match), and the list says it is done.
 */
export function deletePages<T extends object>(router: Router, ui: AdminUi, o: Deletable<T>): void {
  const base = o.list.replace(/^\/admin/, '');
  const path = (key: string) => `${o.list}/${encodeURIComponent(key)}`;
  router.get(`${base}/:${o.param}/delete`, async (ctx) => {
    const item = await o.get(ctx.params[o.param]!);
    const key = o.keyOf(item);
    ui.page(ctx, 'confirm', { title: o.title, text: o.question(item), action: `${path(key)}/delete`, etag: etagOf(item), back: path(key) });
  });
  router.post(`${base}/:${o.param}/delete`, async (ctx) => {
    const key = ctx.params[o.param]!;
    try {
      await o.remove(ui.who(ctx).actor, key, ui.field(ctx, 'if_match'));
      ctx.redirect(`${o.list}?done=deleted`);
    } catch (error) {
      await o.refusedOn(ctx, key, ui.refused(ctx, error));
    }
  });
}
