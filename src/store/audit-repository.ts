import type { DataSource } from 'typeorm';
import { GENESIS, rowHash, type AuditRow } from '../audit/audit-chain.ts';
import type { AuditStore } from '../audit/audit-log.ts';
import { AuditCheckpointEntity, AuditEventEntity } from './entities/audit-event.ts';

// Any fixed number, the same in every Gatehouse process: appends to the chain take turns.
const AUDIT_LOCK = 7_420_002;

export function auditRepository(dataSource: DataSource): AuditStore {
  return {
    append: (entry) => dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
      const repo = manager.getRepository(AuditEventEntity);
      const [last] = await repo.find({ order: { seq: 'DESC' }, take: 1 });
      const row = { seq: (last?.seq ?? 0) + 1, at: new Date(), action: entry.action, actor: entry.actor, detail: entry.detail };
      const prevHash = last?.hash ?? GENESIS;
      const stored: AuditRow = { ...row, prevHash, hash: rowHash(prevHash, row) };
      await repo.insert(stored as never);
      return stored;
    }),
    last: async () => (await dataSource.getRepository(AuditEventEntity).find({ order: { seq: 'DESC' }, take: 1 }))[0],
    saveCheckpoint: async ({ seq, hash, signature }) => void (await dataSource.getRepository(AuditCheckpointEntity).upsert({ seq, hash, signature }, ['seq'])),
    checkpoints: async () => (await dataSource.getRepository(AuditCheckpointEntity).find({ order: { seq: 'ASC' } }))
      .map(({ seq, hash, signature }) => ({ seq, hash, signature })),
    read: async (fromSeq, limit) => {
      const rows: { seq: string; at: Date; action: string; actor: string | null; detail: Record<string, unknown>; prev_hash: string; hash: string }[] =
        await dataSource.query('SELECT seq, at, action, actor, detail, prev_hash, hash FROM audit_events WHERE seq >= $1 ORDER BY seq LIMIT $2', [fromSeq, limit]);
      return rows.map((r) => ({ seq: Number(r.seq), at: r.at, action: r.action, actor: r.actor, detail: r.detail, prevHash: r.prev_hash, hash: r.hash }));
    },
  };
}
