import type { AuditStore } from './audit-log.ts';

const DAY_MS = 86_400_000;

/**
 * Deletes rows older than the retention period, but only up to the newest signed checkpoint
 * among them, which stays as the anchor the kept chain is verified from. Rows after the last
 * checkpoint wait for the next one. Answers how many rows went.
 */
export async function pruneAuditLog(store: AuditStore, retentionDays: number, now = new Date()): Promise<number> {
  const oldest = await store.lastSeqBefore(new Date(now.getTime() - retentionDays * DAY_MS));
  if (oldest === undefined) return 0;
  const anchor = await store.latestCheckpoint(oldest);
  const current = await store.anchor();
  if (!anchor || (current && anchor.seq <= current.seq)) return 0;
  return store.prune(anchor);
}
