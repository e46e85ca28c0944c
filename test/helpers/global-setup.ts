import crypto from 'node:crypto';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/store/embedded-postgres.ts';
import { startRedisServer } from './redis-server.ts';

/**
 * Real PostgreSQL and Redis for the whole run: DATABASE_URL and REDIS_URL when set, otherwise an
 * embedded PostgreSQL and a local redis-server. Each test file then makes its own database and
 * Redis key prefix (test/helpers/gatehouse.ts), so workers never share state.
 */
export default async function globalSetup(): Promise<void> {
  const state: { stop: (() => Promise<void> | void)[] } = { stop: [] };
  process.env.GATEHOUSE_TEST_RUN = crypto.randomBytes(4).toString('hex'); // workers inherit it: see database.ts
  if (!process.env.DATABASE_URL) {
    const pg = await startEmbeddedPostgres({ dataDir: path.resolve('.test-data'), mode: 'serve' });
    process.env.DATABASE_URL = pg.url;
    state.stop.push(() => pg.stop());
  }
  if (!process.env.REDIS_URL) {
    const redis = await startRedisServer();
    process.env.REDIS_URL = redis.url;
    state.stop.push(() => void redis.process.kill('SIGTERM'));
  }
  (globalThis as { __gatehouseTestInfra?: typeof state }).__gatehouseTestInfra = state;
}
