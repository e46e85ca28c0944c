import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { SingleUseStore } from '../accounts/single-use.ts';
import { returnedRows } from './returned-rows.ts';

/** Single-use values in Redis: SET NX with a TTL, taken with GETDEL. */
export function redisSingleUse(redis: Redis, prefix: string): SingleUseStore {
  const key = (name: string) => `${prefix}once:${name}`;
  const parse = (value: string | null) => (value === null ? undefined : JSON.parse(value) as Record<string, unknown>);
  return {
    put: async (name, value, ttl) => (await redis.set(key(name), JSON.stringify(value), 'EX', ttl, 'NX')) === 'OK',
    peek: async (name) => parse(await redis.get(key(name))),
    take: async (name) => parse(await redis.getdel(key(name))),
    remove: async (name) => void (await redis.del(key(name))),
  };
}

/** Single-use values in PostgreSQL: an expired row counts as absent, DELETE … RETURNING takes. */
export function postgresSingleUse(dataSource: DataSource): SingleUseStore {
  const valueOf = (result: unknown) => (returnedRows(result)[0] as { value?: Record<string, unknown> } | undefined)?.value;
  return {
    async put(name, value, ttl) {
      const result = await dataSource.query(
        `INSERT INTO single_use (key, value, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at
         WHERE single_use.expires_at <= now() RETURNING key`, [name, JSON.stringify(value), ttl]);
      return returnedRows(result).length === 1;
    },
    peek: async (name) => valueOf(await dataSource.query('SELECT value FROM single_use WHERE key = $1 AND expires_at > now()', [name])),
    async take(name) {
      const result = await dataSource.query('DELETE FROM single_use WHERE key = $1 RETURNING value, expires_at > now() AS live', [name]);
      const row = returnedRows(result)[0] as { value: Record<string, unknown>; live: boolean } | undefined;
      return row?.live ? row.value : undefined;
    },
    remove: async (name) => void (await dataSource.query('DELETE FROM single_use WHERE key = $1', [name])),
  };
}

export async function purgeExpiredSingleUse(dataSource: DataSource): Promise<void> {
  await dataSource.query('DELETE FROM single_use WHERE expires_at <= now()');
}
