import { DataSource } from 'typeorm';
import { AccountEntity } from './entities/account.ts';
import { ClientEntity } from './entities/client.ts';
import { OidcModelEntity } from './entities/oidc-model.ts';
import { AccountSessionEntity } from './entities/account-session.ts';
import { FactorEntity } from './entities/factor.ts';
import { SecurityEventEntity } from './entities/security-event.ts';
import { SingleUseEntity } from './entities/single-use.ts';
import { SamlServiceProviderEntity } from './entities/saml-service-provider.ts';
import { SamlParticipantEntity } from './entities/saml-participant.ts';
import { FederatedIdentityEntity, UpstreamEntity } from './entities/upstream.ts';
import { AuditAnchorEntity, AuditCheckpointEntity, AuditEventEntity } from './entities/audit-event.ts';
import { WebhookDeliveryEntity, WebhookSubscriptionEntity } from './entities/webhook.ts';
import { RoleEntity } from './entities/role.ts';
import { InvitationEntity, MembershipEntity, OrganizationEntity } from './entities/organization.ts';
import { Initial1764000000000 } from './migrations/1764000000000-initial.ts';
import { Accounts1764100000000 } from './migrations/1764100000000-accounts.ts';
import { Saml1764200000000 } from './migrations/1764200000000-saml.ts';
import { Federation1764300000000 } from './migrations/1764300000000-federation.ts';
import { Audit1764400000000 } from './migrations/1764400000000-audit.ts';
import { Roles1764500000000 } from './migrations/1764500000000-roles.ts';
import { Organizations1764600000000 } from './migrations/1764600000000-organizations.ts';
import { Webhooks1764700000000 } from './migrations/1764700000000-webhooks.ts';
import { ApiKeyEntity } from './entities/api-key.ts';
import { ApiKeys1764800000000 } from './migrations/1764800000000-api-keys.ts';
import { AuditSignatures1764900000000 } from './migrations/1764900000000-audit-signatures.ts';

export const entities = [AccountEntity, ClientEntity, OidcModelEntity, FactorEntity, SecurityEventEntity, SingleUseEntity, AccountSessionEntity, SamlServiceProviderEntity, SamlParticipantEntity, UpstreamEntity, FederatedIdentityEntity, AuditEventEntity, AuditCheckpointEntity, RoleEntity, OrganizationEntity, MembershipEntity, InvitationEntity, AuditAnchorEntity, WebhookSubscriptionEntity, WebhookDeliveryEntity, ApiKeyEntity];
export const migrations = [Initial1764000000000, Accounts1764100000000, Saml1764200000000, Federation1764300000000, Audit1764400000000, Roles1764500000000, Organizations1764600000000, Webhooks1764700000000, ApiKeys1764800000000, AuditSignatures1764900000000];

/** The one DataSource definition; the schema only ever changes through migrations. */
export function createDataSource(url: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    uuidExtension: 'pgcrypto', // gen_random_uuid(), built into PostgreSQL 13+
    installExtensions: false,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    // fail fast when PostgreSQL is away or hangs; the pool reconnects by itself
    extra: { max: 20, connectionTimeoutMillis: 2000, query_timeout: 10000 },
  });
}
