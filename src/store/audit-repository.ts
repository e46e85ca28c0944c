import { LessThanOrEqual, type DataSource, type EntityManager } from 'typeorm';
import { GENESIS, rowHash, type AuditEntry, type AuditRow } from '../audit/audit-chain.ts';
import type { AuditStore } from '../audit/audit-log.ts';
import { patternsFor, type WebhookPayload } from '../webhooks/webhook.ts';
import { AuditAnchorEntity, AuditCheckpointEntity, AuditEventEntity } from './entities/audit-event.ts';

// Any fixed number, the same in every Gatehouse process: appends to the chain take turns.
const AUDIT_LOCK = 7_420_002;

/**
 * Appends an entry at the end of the chain within a transaction: the chain's lock is held until it
 * ends, so the entry lands with the change it records, or neither does.
 */
export async function appendAudit(manager: EntityManager, entry: AuditEntry): Promise<AuditRow> {
  await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
  const repo = manager.getRepository(AuditEventEntity);
  const [last] = await repo.find({ order: { seq: 'DESC' }, take: 1 });
  const anchor = last ? undefined : await manager.getRepository(AuditAnchorEntity).findOne({ where: {}, order: { seq: 'DESC' } });
  const row = { seq: (last?.seq ?? anchor?.seq ?? 0) + 1, at: new Date(), action: entry.action, actor: entry.actor, detail: entry.detail };
  const prevHash = last?.hash ?? anchor?.hash ?? GENESIS;
  const stored: AuditRow = { ...row, prevHash, hash: rowHash(prevHash, row) };
  await repo.insert(stored as never);
  // the webhook outbox, in the same transaction: an event is never acknowledged without its deliveries
  const payload: WebhookPayload = { type: row.action, timestamp: row.at.toISOString(), data: { seq: row.seq, actor: row.actor, detail: row.detail } };
  await manager.query(`INSERT INTO webhook_deliveries (subscription_id, audit_seq, payload, next_attempt_at)
    SELECT id, $1, $2::jsonb, now() FROM webhook_subscriptions WHERE enabled AND events ?| $3::text[]`, [row.seq, JSON.stringify(payload), patternsFor(row.action)]);
  return stored;
}

export function auditRepository(dataSource: DataSource): AuditStore {
  return {
    append: (entry) => dataSource.transaction((manager) => appendAudit(manager, entry)),
    last: async () => (await dataSource.getRepository(AuditEventEntity).find({ order: { seq: 'DESC' }, take: 1 }))[0],
    // the first signature of a seq stands (checkpoints are append-only): another node's is as good
    saveCheckpoint: async ({ seq, hash, signature }) => void (await dataSource.query(
      'INSERT INTO audit_checkpoints (seq, hash, signature) VALUES ($1, $2, $3) ON CONFLICT (seq) DO NOTHING', [seq, hash, signature])),
    checkpoints: async () => (await dataSource.getRepository(AuditCheckpointEntity).find({ order: { seq: 'ASC' } }))
      .map(({ seq, hash, signature }) => ({ seq, hash, signature })),
    async latestCheckpoint(atOrBefore) {
      const found = await dataSource.getRepository(AuditCheckpointEntity).findOne({
        where: atOrBefore === undefined ? {} : { seq: LessThanOrEqual(atOrBefore) }, order: { seq: 'DESC' },
      });
      return found ? { seq: found.seq, hash: found.hash, signature: found.signature } : undefined;
    },
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
    anchor: async () => {
      const found = await dataSource.getRepository(AuditAnchorEntity).findOne({ where: {}, order: { seq: 'DESC' } });
      return found ? { seq: found.seq, hash: found.hash, signature: found.signature } : undefined;
    },
    lastSeqBefore: async (before) => {
      const [row] = await dataSource.query('SELECT max(seq) AS seq FROM audit_events WHERE at < $1', [before]) as { seq: string | null }[];
      return row?.seq ? Number(row.seq) : undefined;
    },
    prune: (anchor) => dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
      // the append-only trigger lets these deletes through, and only these (see the webhooks migration)
      await manager.query(`SELECT set_config('gatehouse.audit_prune_through', $1, true)`, [String(anchor.seq)]);
      await manager.query('DELETE FROM audit_anchor');
      await manager.query('INSERT INTO audit_anchor (seq, hash, signature) VALUES ($1, $2, $3)', [anchor.seq, anchor.hash, anchor.signature]);
      const [, deleted] = await manager.query('DELETE FROM audit_events WHERE seq <= $1', [anchor.seq]) as [unknown, number];
      await manager.query('DELETE FROM audit_checkpoints WHERE seq < $1', [anchor.seq]);
      return deleted;
    }),
  };
}

type RawRow = { seq: string; at: Date; action: string; actor: string | null; detail: Record<string, unknown>; prev_hash: string; hash: string };

const fromRaw = (r: RawRow): AuditRow => ({ seq: Number(r.seq), at: r.at, action: r.action, actor: r.actor, detail: r.detail, prevHash: r.prev_hash, hash: r.hash });
