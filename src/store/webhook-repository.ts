import type { EntityManager } from 'typeorm';
import type { PendingDelivery, WebhookPayload, WebhookStore, WebhookSubscription } from '../webhooks/webhook.ts';
import { WebhookSubscriptionEntity, type WebhookSubscriptionRow } from './entities/webhook.ts';
import { returnedRows } from './returned-rows.ts';

const withoutSecret = ({ secret: _secret, ...subscription }: WebhookSubscriptionRow): WebhookSubscription => subscription;

// The head of each subscription's queue (no older undelivered event), due, and not held by
// another node (SKIP LOCKED); leased by pushing its next attempt past the send's time bound.
const CLAIM = `
  UPDATE webhook_deliveries d SET next_attempt_at = now() + $2 * interval '1 millisecond'
  FROM (
    SELECT h.id FROM webhook_deliveries h JOIN webhook_subscriptions s ON s.id = h.subscription_id AND s.enabled
    WHERE h.delivered_at IS NULL AND h.next_attempt_at <= now()
      AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
        WHERE e.subscription_id = h.subscription_id AND e.delivered_at IS NULL AND e.audit_seq < h.audit_seq)
    ORDER BY h.next_attempt_at LIMIT $1
    FOR UPDATE OF h SKIP LOCKED
  ) picked, webhook_subscriptions s
  WHERE d.id = picked.id AND s.id = d.subscription_id
  RETURNING d.id, d.subscription_id, d.audit_seq, d.payload, d.attempts, s.url, s.secret`;

interface ClaimedRow { id: string; subscription_id: string; audit_seq: string; payload: WebhookPayload; attempts: number; url: string; secret: string }

export function webhookRepository(manager: EntityManager): WebhookStore {
  const subscriptions = manager.getRepository(WebhookSubscriptionEntity);
  const find = async (id: string) => {
    const row = await subscriptions.findOneBy({ id });
    return row ? withoutSecret(row) : undefined;
  };
  return {
    create: async (fields, secret) => withoutSecret(await subscriptions.save({ ...fields, secret } as WebhookSubscriptionRow)),
    find,
    list: async () => (await subscriptions.find({ order: { createdAt: 'ASC' } })).map(withoutSecret),
    async update(id, fields) {
      if (Object.keys(fields).length) await subscriptions.update({ id }, fields);
      return find(id);
    },
    setSecret: async (id, secret) => void (await subscriptions.update({ id }, { secret })),
    delete: async (id) => ((await subscriptions.delete({ id })).affected ?? 0) > 0,
    async claim(limit, leaseMs) {
      const rows = returnedRows(await manager.query(CLAIM, [limit, leaseMs])) as ClaimedRow[];
      return rows.map((r): PendingDelivery => ({
        id: r.id, subscriptionId: r.subscription_id, auditSeq: Number(r.audit_seq), payload: r.payload, attempts: r.attempts, url: r.url, secret: r.secret,
      })).sort((a, b) => a.auditSeq - b.auditSeq);
    },
    delivered: async (id) => void (await manager.query(
      'UPDATE webhook_deliveries SET delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1', [id])),
    failed: async (id, error, nextAttemptAt) => void (await manager.query(
      'UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3 WHERE id = $1', [id, error.slice(0, 255), nextAttemptAt])),
    async backlog(subscriptionId) {
      const rows = await manager.query(
        'SELECT subscription_id, count(*) AS n FROM webhook_deliveries WHERE delivered_at IS NULL AND ($1::uuid IS NULL OR subscription_id = $1) GROUP BY subscription_id',
        [subscriptionId ?? null],
      ) as { subscription_id: string; n: string }[];
      return Object.fromEntries(rows.map((r) => [r.subscription_id, Number(r.n)]));
    },
    purgeDelivered: async (before) => (await manager.query('DELETE FROM webhook_deliveries WHERE delivered_at < $1', [before]) as [unknown, number])[1],
  };
}
