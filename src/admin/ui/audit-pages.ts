import type Router from '@koa/router';
import { PAGE_SIZE, queryText, type AdminUi } from './admin-session.ts';

/** The audit log, newest first: filter by action (exact, or a prefix as `admin.*`) and actor, a page at a time. */
export function auditPages(router: Router, ui: AdminUi): void {
  router.get('/audit', async (ctx) => {
    const action = queryText(ctx, 'action')?.trim();
    const actor = queryText(ctx, 'actor')?.trim();
    const page = await ui.admin.audit.page(
      { ...(action ? { actions: [action] } : {}), ...(actor ? { actor } : {}) },
      { cursor: queryText(ctx, 'cursor'), limit: PAGE_SIZE },
    );
    ui.page(ctx, 'audit', { title: 'Audit log', action, actor, page });
  });
}
