import type { AdminServices } from '../admin-services.ts';
import { accountRoutes } from './account-routes.ts';
import { auditRoutes } from './audit-routes.ts';
import { clientRoutes } from './client-routes.ts';
import { keyRoutes } from './key-routes.ts';
import { roleRoutes } from './role-routes.ts';
import type { RouteSpec } from './route-spec.ts';
import { samlSpRoutes } from './saml-sp-routes.ts';
import { upstreamRoutes } from './upstream-routes.ts';
import { organizationRoutes } from './organization-routes.ts';
import { webhookRoutes } from './webhook-routes.ts';
import { apiKeyRoutes } from './api-key-routes.ts';

/** The admin API's route table, in the order the OpenAPI document lists it. */
export const adminRoutes = (admin: AdminServices, { production }: { production: boolean }): RouteSpec[] => [
  ...accountRoutes(admin.accounts),
  ...roleRoutes(admin.roles),
  ...organizationRoutes(admin.organizations, production),
  ...clientRoutes(admin.clients),
  ...samlSpRoutes(admin.serviceProviders),
  ...upstreamRoutes(admin.upstreams),
  ...keyRoutes(admin.keys),
  ...apiKeyRoutes(admin.apiKeys),
  ...auditRoutes(admin.audit),
  ...webhookRoutes(admin.webhooks),
];
