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
    query: async ({ actions, actor, since, until, detailKey, afterSeq, order, limit }) => {
      const where: string[] = [];
      const values: unknown[] = [];
      const param = (value: unknown) => `$${values.push(value)}`;
      if (actions?.length) {
        const exact = actions.filter((a) => !a.endsWith('.*'));
        const prefixes = actions.filter((a) => a.endsWith('.*')).map((a) => `${a.slice(0, -1).replace(/[\\%_]/g, '\\$&')}%`);
        const byDetail = detailKey === undefined ? '' : ` OR detail ? ${param(detailKey)}`;
        where.push(`(action = ANY(${param(exact)}) OR action LIKE ANY(${param(prefixes)})${byDetail})`);
      } else if (detailKey !== undefined) where.push(`detail ? ${param(detailKey)}`);
      if (actor !== undefined) where.push(`actor = ${param(actor)}`);
      if (since) where.push(`at >= ${param(since)}`);
      if (until) where.push(`at < ${param(until)}`);
      if (afterSeq !== undefined) where.push(`seq ${order === 'asc' ? '>' : '<'} ${param(afterSeq)}`);
      const rows: RawRow[] = await dataSource.query(
        `SELECT seq, at, action, actor, detail, prev_hash, hash FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq ${order === 'asc' ? 'ASC' : 'DESC'} LIMIT ${param(limit)}`,
        values,
      );
      return rows.map(fromRaw);
    },
    read: async (fromSeq, limit) => {
      const rows: RawRow[] = await dataSource.query('SELECT seq, at, action, actor, detail, prev_hash, hash FROM audit_events WHERE seq >= $1 ORDER BY seq LIMIT $2', [fromSeq, limit]);
      return rows.map(fromRaw);
    },
  };
}

type RawRow = { seq: string; at: Date; action: string; actor: string | null; detail: Record<string, unknown>; prev_hash: string; hash: string };

const fromRaw = (r: RawRow): AuditRow => ({ seq: Number(r.seq), at: r.at, action: r.action, actor: r.actor, detail: r.detail, prevHash: r.prev_hash, hash: r.hash });
