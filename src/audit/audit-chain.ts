import crypto from 'node:crypto';

/** One audit row as stored: its place in the chain, what happened, and the hashes that chain it. */
export interface AuditRow {
  seq: number;
  at: Date;
  action: string;
  actor: string | null;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export type AuditEntry = Pick<AuditRow, 'action' | 'actor' | 'detail'>;

/** The hash before the first row. */
export const GENESIS = '0'.repeat(64);

/** JSON with object keys sorted at every level: the same content always gives the same text. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value instanceof Date ? value.toISOString() : value) ?? 'null';
}

/** SHA-256 over the previous row's hash and this row's canonical content. */
export function rowHash(prevHash: string, row: Pick<AuditRow, 'seq' | 'at' | 'action' | 'actor' | 'detail'>): string {
  const content = canonical({ seq: row.seq, at: row.at, action: row.action, actor: row.actor, detail: row.detail });
  return crypto.createHash('sha256').update(`${prevHash}\n${content}`).digest('hex');
}

export type ChainProblem = { seq: number; problem: 'edited' | 'missing before it' | 'out of order or inserted' };

/**
 * Walks rows in seq order from an anchor (the hash before the first kept row) and reports the
 * first one that does not hold: its content changed (edited), a row before it is gone (deleted),
 * or it does not follow the row before it (inserted or reordered).
 */
export function verifyChain(rows: AuditRow[], anchor = { seq: 0, hash: GENESIS }): ChainProblem | undefined {
  let previous = anchor;
  for (const row of rows) {
    if (row.hash !== rowHash(row.prevHash, row)) return { seq: row.seq, problem: 'edited' };
    if (row.prevHash !== previous.hash || row.seq !== previous.seq + 1) {
      return { seq: row.seq, problem: row.seq > previous.seq + 1 ? 'missing before it' : 'out of order or inserted' };
    }
    previous = row;
  }
  return undefined;
}
