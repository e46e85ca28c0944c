import { Redis } from 'ioredis';
import type { Adapter } from 'oidc-provider';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/config.ts';
import type { AccountStore } from '../accounts/account.ts';
import type { LimiterFactory } from '../accounts/attempt-limiter.ts';
import type { ClientStore } from '../clients/client-store.ts';
import { accountRepository } from './account-repository.ts';
import { clientAdapter } from './adapters/client-adapter.ts';
import { postgresAdapter, purgeExpiredModels } from './adapters/postgres-adapter.ts';
import { redisAdapter } from './adapters/redis-adapter.ts';
import { clientRepository } from './client-repository.ts';
import { createDataSource } from './data-source.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.ts';
import { limiterFactory } from './limiters.ts';
import { schemaDrift } from './schema-drift.ts';

export interface Repositories {
  accounts: AccountStore;
  clients: ClientStore;
}

export interface Store extends Repositories {
  /** oidc-provider's adapter factory: Redis when configured, else PostgreSQL; clients always from PostgreSQL. */
  adapter: (model: string) => Adapter;
  limiters: LimiterFactory;
  /** Runs fn in one database transaction: all of its writes land, or none. */
  transaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T>;
  migrate(): Promise<string[]>;
  /** SQL the migrations are missing to match the entities; empty when they agree. */
  drift(): Promise<string[]>;
  purgeExpired(): Promise<void>;
  /** Round trips that prove each backing service answers; Redis only when configured. */
  checks: Record<string, () => Promise<void>>;
  /** Where the embedded PostgreSQL lives, when it is in use. */
  embeddedLocation?: string;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** 'serve' owns an embedded PostgreSQL; 'share' (the CLI) reuses the running one. */
  mode: 'serve' | 'share';
}

export async function openStore(config: Config, { mode }: StoreOptions): Promise<Store> {
  let embedded: EmbeddedPostgres | undefined;
  if (!config.databaseUrl) embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, mode });
  const dataSource = createDataSource(config.databaseUrl ?? embedded!.url);
  try {
    await dataSource.initialize();
  } catch (error) {
    await embedded?.stop();
    throw new Error(`cannot connect to PostgreSQL: ${(error as Error).message}`, { cause: error });
  }
  const redis = config.redisUrl ? new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 }) : undefined;
  try {
    await redis?.connect();
  } catch (error) {
    await dataSource.destroy();
    await embedded?.stop();
    throw new Error(`cannot connect to Redis: ${(error as Error).message}`, { cause: error });
  }
  return storeOn(dataSource, redis, config.redisKeyPrefix, embedded);
}

function storeOn(dataSource: DataSource, redis: Redis | undefined, prefix: string, embedded?: EmbeddedPostgres): Store {
  const clients = clientRepository(dataSource.manager);
  return {
    accounts: accountRepository(dataSource.manager),
    clients,
    adapter: (model) => {
      if (model === 'Client') return clientAdapter(clients);
      return redis ? redisAdapter(redis, prefix, model) : postgresAdapter(dataSource, model);
    },
    limiters: limiterFactory(redis, prefix),
    transaction: (fn) => dataSource.transaction((manager) =>
      fn({ accounts: accountRepository(manager), clients: clientRepository(manager) })),
    migrate: async () => (await dataSource.runMigrations({ transaction: 'all' })).map((m) => m.name),
    drift: () => schemaDrift(dataSource),
    purgeExpired: () => purgeExpiredModels(dataSource),
    checks: {
      postgres: async () => void (await dataSource.query('SELECT 1')),
      ...(redis ? { redis: async () => void (await redis.ping()) } : {}),
    },
    embeddedLocation: embedded?.location,
    async close() {
      redis?.disconnect();
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
