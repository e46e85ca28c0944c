import { IsNull, type EntityManager } from 'typeorm';
import type { ApiKeyStore } from '../api-keys/api-key.ts';
import { ApiKeyEntity } from './entities/api-key.ts';

export function apiKeyRepository(manager: EntityManager): ApiKeyStore {
  const repo = manager.getRepository(ApiKeyEntity);
  return {
    create: async (key) => repo.save(repo.create({ ...key, revokedAt: null, lastUsedAt: null })),
    find: async (id) => (await repo.findOneBy({ id })) ?? undefined,
    list: () => repo.find({ order: { createdAt: 'ASC' } }),
    revoke: async (id) => ((await repo.update({ id, revokedAt: IsNull() }, { revokedAt: () => 'now()' })).affected ?? 0) > 0,
    async touch(id) {
      // throttled in SQL too, so any number of nodes write at most once a minute per key
      await manager.query(
        `UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [id],
      );
    },
  };
}
