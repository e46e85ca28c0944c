import type { EntityManager } from 'typeorm';
import type { FactorStore } from '../mfa/factor.ts';
import { FactorEntity } from './entities/factor.ts';
import { returnedRows } from './returned-rows.ts';

export function factorRepository(manager: EntityManager): FactorStore {
  const repo = manager.getRepository(FactorEntity);
  const changed = (result: { affected?: number | null }) => (result.affected ?? 0) > 0;
  return {
    list: (accountId, kind) => repo.find({ where: { accountId, ...(kind ? { kind } : {}) }, order: { createdAt: 'ASC' } }),
    findByCredentialId: async (credentialId) => (await repo.findOneBy({ credentialId })) ?? undefined,
    add: (factor) => repo.save(repo.create(factor)),
    async replaceAll(accountId, kind, factors) {
      await manager.transaction(async (tx) => {
        const inTx = tx.getRepository(FactorEntity);
        await inTx.delete({ accountId, kind });
        await inTx.save(factors.map((f) => inTx.create(f)));
      });
    },
    rename: async (accountId, id, name) => changed(await repo.update({ id, accountId }, { name })),
    remove: async (accountId, id) => changed(await repo.delete({ id, accountId })),
    removeAll: async (accountId) => void (await repo.delete({ accountId })),
    async advanceStep(id, step) {
      const rows: unknown[] = await manager.query(
        `UPDATE account_factors SET last_step = $2, last_used_at = now()
         WHERE id = $1 AND (last_step IS NULL OR last_step < $2) RETURNING id`, [id, step]);
      return returnedRows(rows).length === 1;
    },
    async consumeRecoveryCode(accountId, hash) {
      const rows: unknown[] = await manager.query(
        `DELETE FROM account_factors WHERE account_id = $1 AND kind = 'recovery' AND secret = $2 RETURNING id`, [accountId, hash]);
      return returnedRows(rows).length === 1;
    },
    async touch(id, counter) {
      await repo.update({ id }, { lastUsedAt: new Date(), ...(counter === undefined ? {} : { counter }) });
    },
  };
}
