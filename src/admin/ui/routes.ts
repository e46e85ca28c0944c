import Router from '@koa/router';
import { adminGuard, type AdminUiDeps } from './admin-session.ts';
import { accountPages } from './account-pages.ts';
import { auditPages } from './audit-pages.ts';
import { clientPages } from './client-pages.ts';
import { rolePages } from './role-pages.ts';
import { serviceProviderPages } from './service-provider-pages.ts';
import { upstreamPages } from './upstream-pages.ts';

/**
 * The admin UI under /admin: server-rendered pages over the operators' service layer (the same
 * one the CLI and the admin API use), behind the admin guard. Plain forms and links, no script.
 */
export function createAdminUiRouter(deps: AdminUiDeps): Router {
  const router = new Router({ prefix: '/admin' });
  const ui = adminGuard(router, deps);

  router.get('/', async (ctx) => {
    const [clients, sps, upstreams, roles, recent] = await Promise.all([
      ui.admin.clients.page({ limit: 1000 }), ui.admin.serviceProviders.page({ limit: 1000 }), ui.admin.upstreams.page({ limit: 1000 }),
      ui.admin.roles.page({ limit: 1000 }), ui.admin.audit.page({ actions: ['admin.*'] }, { limit: 10 }),
    ]);
    ui.page(ctx, 'dashboard', {
      title: 'Admin',
      counts: { clients: clients.items.length, sps: sps.items.length, upstreams: upstreams.items.length, roles: roles.items.length },
      recent: recent.items,
    });
  });

  accountPages(router, ui);
  clientPages(router, ui);
  serviceProviderPages(router, ui);
  upstreamPages(router, ui);
  rolePages(router, ui);
  auditPages(router, ui);
  return router;
}
