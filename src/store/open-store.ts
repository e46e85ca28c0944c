import type { Redis } from 'ioredis';
import type { Adapter } from 'oidc-provider';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/config.ts';
import type { AccountStore } from '../accounts/account.ts';
import type { LimiterFactory } from '../accounts/attempt-limiter.ts';
import type { ClientStore } from '../clients/client-store.ts';
import type { AccountSessionStore } from '../accounts/account-sessions.ts';
import type { SecurityEventStore } from '../accounts/security-events.ts';
import type { SingleUseStore } from '../accounts/single-use.ts';
import type { FactorStore } from '../mfa/factor.ts';
import type { ServiceProviderStore } from '../saml/service-provider.ts';
import { samlSpRepository } from './saml-sp-repository.ts';
import { samlParticipantRepository } from './saml-participant-repository.ts';
import type { ParticipantStore } from '../saml/participants.ts';
import type { UpstreamStore } from '../federation/upstream.ts';
import { upstreamRepository } from './upstream-repository.ts';
import { appendAudit, auditRepository } from './audit-repository.ts';
import type { AuditEntry } from '../audit/audit-chain.ts';
import type { AuditStore } from '../audit/audit-log.ts';
import { createChangeLog, type RecordChange } from '../audit/changes.ts';
import type { RoleStore } from '../accounts/roles.ts';
import { roleRepository } from './role-repository.ts';
import type { OrganizationStore } from '../organizations/organization.ts';
import { organizationRepository } from './organization-repository.ts';
import type { WebhookStore } from '../webhooks/webhook.ts';
import { webhookRepository } from './webhook-repository.ts';
import { accountSessionIndex } from './account-session-index.ts';
import { factorRepository } from './factor-repository.ts';
import { securityEventRepository } from './security-event-repository.ts';
import { postgresSingleUse, purgeExpiredSingleUse, redisSingleUse } from './single-use-store.ts';
import { accountRepository } from './account-repository.ts';
import { clientAdapter } from './adapters/client-adapter.ts';
import { postgresAdapter, purgeExpiredModels } from './adapters/postgres-adapter.ts';
import { redisAdapter } from './adapters/redis-adapter.ts';
import { clientRepository } from './client-repository.ts';
import { createDataSource } from './data-source.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.ts';
import { limiterFactory } from './limiters.ts';
import { createRedisClient } from './redis-client.ts';
import { instrument, type Observe } from './instrument.ts';
import { cachedClients } from './cached-clients.ts';
import { createChangeFeed, type ChangeFeed } from './change-feed.ts';
import { schemaDrift } from './schema-drift.ts';
import type { ApiKeyStore } from '../api-keys/api-key.ts';
import { apiKeyRepository } from './api-key-repository.ts';
import { cachedUpstreams } from './cached-upstreams.ts';
import { cachedApiKeys } from './cached-api-keys.ts';

export interface PoolStats { total: number; idle: number; waiting: number }

export interface Repositories {
  accounts: AccountStore;
  clients: ClientStore;
  samlServiceProviders: ServiceProviderStore;
  upstreams: UpstreamStore;
  roles: RoleStore;
  organizations: OrganizationStore;
  webhooks: WebhookStore;
  apiKeys: ApiKeyStore;
  /** In a transaction, an entry lands with the writes it records, or neither does. */
  audit: Pick<AuditStore, 'append'>;
  /** An operator's change, appended to `audit` with its diff (audit/changes.ts). */
  record: RecordChange;
}

export interface Store extends Repositories {
  factors: FactorStore;
  securityEvents: SecurityEventStore;
  sessions: AccountSessionStore;
  singleUse: SingleUseStore;
  samlParticipants: ParticipantStore;
  audit: AuditStore;
  /** API keys, cached; a revocation reaches every process through the change feed. */
  apiKeys: ApiKeyStore;
  /** oidc-provider's adapter factory: Redis when configured, else PostgreSQL; clients always from PostgreSQL. */
  adapter: (model: string) => Adapter;
  limiters: LimiterFactory;
  /**
   * Runs fn in one database transaction: all of its writes land, or none. `lock(key)` holds a
   * lock on a name until the transaction ends, so read-check-write sequences on it take turns.
   */
  transaction<T>(fn: (repos: Repositories & { lock(key: string): Promise<void> }) => Promise<T>): Promise<T>;
  migrate(): Promise<string[]>;
  /** SQL the migrations are missing to match the entities; empty when they agree. */
  drift(): Promise<string[]>;
  purgeExpired(): Promise<void>;
  /** Connections of the PostgreSQL pool: open, idle, and requests waiting for one. */
  poolStats(): PoolStats;
  /** Tells every Gatehouse process that the signing keys changed. */
  announceKeys(): Promise<void>;
  onKeysChanged(handler: () => void): void;
  /** Round trips that prove each backing service answers; Redis only when configured. */
  checks: Record<string, () => Promise<void>>;
  /** Where the embedded PostgreSQL lives, when it is in use. */
  embeddedLocation?: string;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** 'serve' owns an embedded PostgreSQL; 'share' (the CLI) reuses the running one. */
  mode: 'serve' | 'share';
  /** Receives the latency of every PostgreSQL and Redis call. */
  observe?: Observe;
}


export async function openStore(config: Config, { mode, observe = () => {} }: StoreOptions): Promise<Store> {
  const undo: (() => Promise<unknown> | unknown)[] = [];
  try {
    const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres({ dataDir: config.dataDir, mode });
    if (embedded) undo.push(() => embedded.stop());
    const databaseUrl = config.databaseUrl ?? embedded!.url;
    const dataSource = createDataSource(databaseUrl);
    await dataSource.initialize().catch((error: Error) => {
      throw new Error(`cannot connect to PostgreSQL: ${error.message}`, { cause: error });
    });
    undo.push(() => dataSource.destroy());
    const redis = config.redis ? createRedisClient(config.redis) : undefined;
    if (redis) {
      redis.on('error', () => {}); // it reconnects by itself; calls fail fast meanwhile and readiness reports it
      undo.push(() => redis.disconnect());
      await redis.connect().catch((error: Error) => {
        throw new Error(`cannot connect to Redis: ${error.message}`, { cause: error });
      });
    }
    const feed = await createChangeFeed({ redis, prefix: config.redisKeyPrefix, dataSource, databaseUrl });
    return storeOn({ dataSource, redis, prefix: config.redisKeyPrefix, feed, observe, embedded });
  } catch (error) {
    for (const step of undo.reverse()) await step();
    throw error;
  }
}

interface Parts {
  dataSource: DataSource;
  redis?: Redis;
  prefix: string;
  feed: ChangeFeed;
  observe: Observe;
  embedded?: EmbeddedPostgres;
}

function storeOn({ dataSource, redis, prefix, feed, observe, embedded }: Parts): Store {
  const postgres = <T extends object>(target: T, name: string) => instrument(target, 'postgres', name, observe);
  const clients = cachedClients(postgres(clientRepository(dataSource.manager), 'clients'), feed);
  const limiters = limiterFactory(redis, prefix);
  const modelAdapter = (model: string) =>
    (redis ? instrument(redisAdapter(redis, prefix, model), 'redis', model, observe) : postgres(postgresAdapter(dataSource, model), model));
  const sessions = accountSessionIndex(dataSource, modelAdapter);
  const audit = postgres(auditRepository(dataSource), 'audit');
  const apiKeys = cachedApiKeys(postgres(apiKeyRepository(dataSource.manager), 'api_keys'), feed);
  const upstreams = cachedUpstreams(postgres(upstreamRepository(dataSource.manager), 'upstreams'), feed);
  const pool = (dataSource.driver as unknown as { master: { totalCount: number; idleCount: number; waitingCount: number } }).master;
  return {
    accounts: postgres(accountRepository(dataSource.manager), 'accounts'),
    samlServiceProviders: postgres(samlSpRepository(dataSource.manager), 'saml_service_providers'),
    upstreams,
    roles: postgres(roleRepository(dataSource.manager), 'roles'),
    organizations: postgres(organizationRepository(dataSource.manager), 'organizations'),
    clients: { find: clients.find, list: clients.list, save: clients.save, delete: clients.delete },
    factors: postgres(factorRepository(dataSource.manager), 'factors'),
    securityEvents: auditedEvents(postgres(securityEventRepository(dataSource.manager), 'security_events'), audit),
    audit,
    record: createChangeLog(audit),
    webhooks: postgres(webhookRepository(dataSource.manager), 'webhooks'),
    apiKeys,
    sessions: sessions.store,
    samlParticipants: postgres(samlParticipantRepository(dataSource.manager), 'saml_participants'),
    singleUse: redis ? instrument(redisSingleUse(redis, prefix), 'redis', 'single_use', observe) : postgres(postgresSingleUse(dataSource), 'single_use'),
    adapter: (model) => {
      if (model === 'Client') return clientAdapter(clients, apiKeys);
      if (model === 'Session') return sessions.adapter;
      return modelAdapter(model);
    },
    limiters: (options) => (redis ? instrument(limiters(options), 'redis', `limit.${options.name}`, observe) : limiters(options)),
    announceKeys: () => feed.publish('keys', 'all'),
    onKeysChanged: (handler) => feed.on('keys', handler),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async transaction(fn) {
      // what other processes must hear of (their caches), told once the transaction has committed
      const announce = new Map<string, () => Promise<void>>();
      const then = <T>(key: string, tell: () => Promise<void>, write: Promise<T>) => (announce.set(key, tell), write);
      const result = await dataSource.transaction((manager) => {
        const clientRepo = clientRepository(manager);
        const upstreamRepo = upstreamRepository(manager);
        const apiKeyRepo = apiKeyRepository(manager);
        const audit = { append: (entry: AuditEntry) => appendAudit(manager, entry) };
        return fn({
          lock: async (key) => void (await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key])),
          accounts: postgres(accountRepository(manager), 'accounts'),
          samlServiceProviders: samlSpRepository(manager),
          upstreams: {
            ...upstreamRepo,
            save: (upstream) => then('upstreams', upstreams.changed, upstreamRepo.save(upstream)),
            delete: (id) => then('upstreams', upstreams.changed, upstreamRepo.delete(id)),
          },
          roles: roleRepository(manager),
          organizations: organizationRepository(manager),
          webhooks: webhookRepository(manager),
          apiKeys: { ...apiKeyRepo, revoke: (id) => then(`api_key:${id}`, () => apiKeys.changed(id), apiKeyRepo.revoke(id)) },
          audit,
          record: createChangeLog(audit),
          clients: {
            ...clientRepo,
            save: (metadata) => then(`client:${metadata.client_id}`, () => clients.changed(metadata.client_id), clientRepo.save(metadata)),
            delete: (id) => then(`client:${id}`, () => clients.changed(id), clientRepo.delete(id)),
          },
        });
      });
      for (const tell of announce.values()) await tell();
      return result;
    },
    migrate: () => migrateExclusively(dataSource),
    drift: () => schemaDrift(dataSource),
    purgeExpired: async () => {
      await purgeExpiredModels(dataSource);
      await purgeExpiredSingleUse(dataSource);
      await dataSource.query('DELETE FROM account_sessions WHERE expires_at < now()');
      await dataSource.query('DELETE FROM saml_session_participants WHERE expires_at < now()');
    },
    checks: {
      postgres: async () => void (await dataSource.query('SELECT 1')),
      ...(redis ? { redis: async () => void (await redis.ping()) } : {}),
    },
    embeddedLocation: embedded?.location,
    async close() {
      await feed.close();
      redis?.disconnect();
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}

/** Every security event is also an entry of the tamper-evident audit log. */
function auditedEvents(events: SecurityEventStore, audit: AuditStore): SecurityEventStore {
  return {
    ...events,
    async record(event) {
      await events.record(event);
      await audit.append({ action: event.kind, actor: event.accountId, detail: { ...event.detail, ip: event.ip, userAgent: event.userAgent } });
    },
  };
}

// Any fixed number, the same in every Gatehouse process.
const MIGRATION_LOCK = 7_420_001;

/** Runs pending migrations while holding an advisory lock, so nodes starting together take turns. */
async function migrateExclusively(dataSource: DataSource): Promise<string[]> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return (await dataSource.runMigrations({ transaction: 'all' })).map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    await lock.release();
  }
}
