import { GENESIS, verifyChain, type AuditEntry, type AuditRow, type ChainProblem } from './audit-chain.ts';

/** What the audit log needs from storage; src/store implements it. */
export interface AuditStore {
  /** Appends an entry at the end of the chain, one writer at a time. */
  append(entry: AuditEntry): Promise<AuditRow>;
  /** Rows in seq order, from a seq on, a page at a time. */
  read(fromSeq: number, limit: number): Promise<AuditRow[]>;
  last(): Promise<AuditRow | undefined>;
  /** Rows matching a filter, newest first (or oldest first), after a seq, a page at a time. */
  query(filter: AuditFilter): Promise<AuditRow[]>;
  saveCheckpoint(checkpoint: AuditCheckpoint): Promise<void>;
  checkpoints(): Promise<AuditCheckpoint[]>;
  /** The newest signed checkpoint, or the newest at or before a seq. */
  latestCheckpoint(atOrBefore?: number): Promise<AuditCheckpoint | undefined>;
  /** The signed checkpoint the kept chain starts after, once rows were pruned. */
  anchor(): Promise<AuditCheckpoint | undefined>;
  /** The newest row written before this time. */
  lastSeqBefore(before: Date): Promise<number | undefined>;
  /** Deletes every row up to a signed checkpoint, which becomes the anchor; answers how many rows went. */
  prune(anchor: AuditCheckpoint): Promise<number>;
}

export interface AuditFilter {
  /** Exact action names, or prefixes ending in `.*` (`admin.*`); with detailKey, either matches. */
  actions?: string[];
  actor?: string;
  since?: Date;
  until?: Date;
  /** Rows whose detail has this key (sign-ins that carry a risk decision), besides those of `actions`. */
  detailKey?: string;
  /** Continue after this seq in the chosen order. */
  afterSeq?: number;
  order: 'asc' | 'desc';
  limit: number;
}

export interface AuditCheckpoint {
  seq: number;
  hash: string;
  signature: string;
}

/**
 * Verifies the kept chain a page at a time, from the anchor (after a prune) or from the genesis
 * hash; answers how much held, or the first row that does not.
 */
export async function verifyAuditLog(store: AuditStore, pageSize = 1000): Promise<{ ok: true; rows: number; lastHash: string } | ({ ok: false } & ChainProblem)> {
  const pruned = await store.anchor();
  let anchor = pruned ? { seq: pruned.seq, hash: pruned.hash } : { seq: 0, hash: GENESIS };
  let rows = 0;
  for (;;) {
    const page = await store.read(anchor.seq + 1, pageSize);
    const problem = verifyChain(page, anchor);
    if (problem) return { ok: false, ...problem };
    if (!page.length) return { ok: true, rows, lastHash: anchor.hash };
    rows += page.length;
    anchor = page[page.length - 1]!;
  }
}
