import { EntitySchema } from 'typeorm';
import type { WebhookPayload, WebhookSubscription } from '../../webhooks/webhook.ts';

export interface WebhookSubscriptionRow extends WebhookSubscription {
  /** `whsec_<base64>`: kept as is, since signing needs it; never returned after creation. */
  secret: string;
}

/** Who receives which events. */
export const WebhookSubscriptionEntity = new EntitySchema<WebhookSubscriptionRow>({
  name: 'WebhookSubscription',
  tableName: 'webhook_subscriptions',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    url: { type: 'varchar', length: 2048 },
    // jsonb, not text[]: matched with ?| (TypeORM's schema reader trips over a second array column)
    events: { type: 'jsonb' },
    enabled: { type: 'boolean', default: true },
    description: { type: 'varchar', length: 500, nullable: true },
    secret: { type: 'varchar', length: 100 },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
    updatedAt: { name: 'updated_at', type: 'timestamptz', updateDate: true },
  },
});

export interface WebhookDeliveryRow {
  id: string;
  subscriptionId: string;
  auditSeq: number;
  payload: WebhookPayload;
  createdAt: Date;
  nextAttemptAt: Date;
  attempts: number;
  lastError: string | null;
  deliveredAt: Date | null;
  subscription?: WebhookSubscriptionRow;
}

/**
 * The outbox: one row per event and subscription, written in the audit entry's transaction, so
 * an event is never acknowledged without its deliveries being durable.
 */
export const WebhookDeliveryEntity = new EntitySchema<WebhookDeliveryRow>({
  name: 'WebhookDelivery',
  tableName: 'webhook_deliveries',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    subscriptionId: { name: 'subscription_id', type: 'uuid' },
    auditSeq: { name: 'audit_seq', type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } },
    payload: { type: 'jsonb' },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
    nextAttemptAt: { name: 'next_attempt_at', type: 'timestamptz' },
    attempts: { type: 'int', default: 0 },
    lastError: { name: 'last_error', type: 'varchar', length: 255, nullable: true },
    deliveredAt: { name: 'delivered_at', type: 'timestamptz', nullable: true },
  },
  uniques: [{ name: 'webhook_deliveries_subscription_seq', columns: ['subscriptionId', 'auditSeq'] }],
  indices: [{ name: 'webhook_deliveries_delivered_at', columns: ['deliveredAt'] }],
  relations: {
    subscription: { type: 'many-to-one', target: 'WebhookSubscription', joinColumn: { name: 'subscription_id' }, onDelete: 'CASCADE' },
  },
});
