import { EntitySchema } from 'typeorm';
import type { AuditRow } from '../../audit/audit-chain.ts';

/** The audit log: append-only, each row chained to the previous one by SHA-256. */
export const AuditEventEntity = new EntitySchema<AuditRow>({
  name: 'AuditEvent',
  tableName: 'audit_events',
  columns: {
    seq: { type: 'bigint', primary: true, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } },
    at: { type: 'timestamptz' },
    action: { type: 'varchar', length: 64 },
    actor: { type: 'varchar', length: 255, nullable: true },
    detail: { type: 'jsonb' },
    prevHash: { name: 'prev_hash', type: 'char', length: 64 },
    hash: { type: 'char', length: 64 },
  },
  indices: [{ name: 'audit_events_at', columns: ['at'] }],
});

export interface AuditCheckpointRow {
  seq: number;
  hash: string;
  /** A compact JWS over {"seq","hash","at"} by one of the IdP's signing keys. */
  signature: string;
  createdAt: Date;
}

const checkpointColumns = {
  seq: { type: 'bigint', primary: true, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } },
  hash: { type: 'char', length: 64 },
  signature: { type: 'text' },
  createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
} as const;

/** Signed checkpoints of the chain: a rewrite of everything before one no longer verifies. */
export const AuditCheckpointEntity = new EntitySchema<AuditCheckpointRow>({
  name: 'AuditCheckpoint',
  tableName: 'audit_checkpoints',
  columns: checkpointColumns,
});

/**
 * Where the kept chain starts once old rows were pruned: a signed checkpoint of the last pruned
 * row. Verification starts from its hash; without one, from the genesis hash at seq 0.
 */
export const AuditAnchorEntity = new EntitySchema<AuditCheckpointRow>({
  name: 'AuditAnchor',
  tableName: 'audit_anchor',
  columns: checkpointColumns,
});
