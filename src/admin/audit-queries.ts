import type { AuditRow } from '../audit/audit-chain.ts';
import type { AuditFilter, AuditStore } from '../audit/audit-log.ts';
import { decodeCursor, pageFrom, type Page } from './paging.ts';

/** An audit event as operators read it (the chain's hashes included, so exports can be checked). */
export interface AuditEventView {
  seq: number;
  at: string;
  action: string;
  actor: string | null;
  detail: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export const auditEventView = (row: AuditRow): AuditEventView => ({
  seq: row.seq, at: row.at.toISOString(), action: row.action, actor: row.actor, detail: row.detail, prev_hash: row.prevHash, hash: row.hash,
});

export type AuditSearch = Omit<AuditFilter, 'afterSeq' | 'limit' | 'order'>;

/** Sign-ins the risk engine judged: its own decisions, and the sign-ins that carry one. */
const RISK_DECISIONS: AuditSearch = { actions: ['risk_decision'], detailKey: 'risk' };

/** Reading the audit log: pages newest first, risk decisions, and a full export oldest first. */
export function auditQueries(audit: AuditStore) {
  const page = async (search: AuditSearch, { cursor, limit }: { cursor?: string; limit: number }): Promise<Page<AuditEventView>> => {
    const afterSeq = cursor === undefined ? undefined : Number(decodeCursor(cursor));
    const rows = await audit.query({ ...search, afterSeq, order: 'desc', limit: limit + 1 });
    return pageFrom(rows.map(auditEventView), limit, (e) => e.seq);
  };
  return {
    page,
    riskDecisions: (request: { cursor?: string; limit: number }) => page(RISK_DECISIONS, request),
    /** Every matching event, oldest first, a batch at a time (for NDJSON export). */
    async *export(search: AuditSearch, batch = 500): AsyncGenerator<AuditEventView> {
      let afterSeq: number | undefined;
      for (;;) {
        const rows = await audit.query({ ...search, afterSeq, order: 'asc', limit: batch });
        for (const row of rows) yield auditEventView(row);
        if (rows.length < batch) return;
        afterSeq = rows.at(-1)!.seq;
      }
    },
  };
}
