import type { AccountService } from '../accounts/account-service.ts';
import type { PasswordHasher } from '../accounts/password-hasher.ts';
import type { RecordChange } from '../audit/changes.ts';
import type { ClientService } from '../clients/client-service.ts';
import type { Config } from '../config/config.ts';
import { manageKeys } from '../keys/manage-keys.ts';
import type { SpRegistry } from '../saml/sp-registry.ts';
import type { Store } from '../store/open-store.ts';
import type { OrganizationService } from '../organizations/organization-service.ts';
import type { WebhookService } from '../webhooks/webhook-service.ts';
import { auditQueries } from './audit-queries.ts';
import { manageAccounts } from './manage-accounts.ts';
import { manageClients } from './manage-clients.ts';
import { manageRoles } from './manage-roles.ts';
import { manageServiceProviders } from './manage-service-providers.ts';
import { manageUpstreams } from './manage-upstreams.ts';
import type { ApiKeyService } from '../api-keys/api-key-service.ts';

interface Parts {
  config: Config;
  store: Store;
  accounts: AccountService;
  hasher: PasswordHasher;
  clients: ClientService;
  registry: SpRegistry;
  organizations: OrganizationService;
  webhooks: WebhookService;
  recordChange: RecordChange;
  apiKeys: ApiKeyService;
}

/**
 * The operators' service layer: what the CLI, the admin API and the admin UI do, each change
 * checked against the caller's version (If-Match) and recorded in the audit log with its actor.
 */
export function createAdminServices({ config, store, accounts, hasher, clients, registry, organizations, webhooks, recordChange, apiKeys }: Parts) {
  const transaction = store.transaction.bind(store);
  return {
    accounts: manageAccounts({ accounts, hasher, factors: store.factors, sessions: store.sessions, transaction, recordChange }),
    clients: manageClients({ clients, transaction }),
    serviceProviders: manageServiceProviders({ registry, transaction, recordChange }),
    upstreams: manageUpstreams({ upstreams: store.upstreams, transaction }),
    roles: manageRoles({ roles: store.roles, transaction }),
    keys: manageKeys({ config, announce: store.announceKeys, recordChange }),
    audit: auditQueries(store.audit),
    organizations,
    webhooks,
    apiKeys, // audited by the service itself
  };
}

export type AdminServices = ReturnType<typeof createAdminServices>;
