/** A receiver of events: where they go, which ones, and whether it is on. The signing secret never leaves the store. */
export interface WebhookSubscription {
  id: string;
  url: string;
  /** Action names (`sign_in`), prefixes (`admin.*`) or `*` for every event. */
  events: string[];
  enabled: boolean;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type SubscriptionFields = Pick<WebhookSubscription, 'url' | 'events' | 'enabled' | 'description'>;

/** What a receiver gets (besides its id): the audit entry, without anything secret. */
export interface WebhookPayload {
  type: string;
  timestamp: string;
  data: { seq: number; actor: string | null; detail: Record<string, unknown> };
}

/** One event on its way to one subscription: the outbox row the worker sends. */
export interface PendingDelivery {
  id: string;
  subscriptionId: string;
  url: string;
  secret: string;
  auditSeq: number;
  payload: WebhookPayload;
  attempts: number;
}

/** What webhooks need from storage; src/store implements it. */
export interface WebhookStore {
  create(fields: SubscriptionFields, secret: string): Promise<WebhookSubscription>;
  find(id: string): Promise<WebhookSubscription | undefined>;
  list(): Promise<WebhookSubscription[]>;
  update(id: string, fields: Partial<SubscriptionFields>): Promise<WebhookSubscription | undefined>;
  setSecret(id: string, secret: string): Promise<void>;
  /** Removes a subscription and its undelivered events. */
  delete(id: string): Promise<boolean>;
  /**
   * Leases the oldest undelivered event of subscriptions whose next attempt is due, at most one
   * per subscription, skipping events another node holds: each subscription's events go in order.
   */
  claim(limit: number, leaseMs: number): Promise<PendingDelivery[]>;
  delivered(id: string): Promise<void>;
  /** A failed attempt: counted, its reason kept, the lease replaced by the next attempt's time. */
  failed(id: string, error: string, nextAttemptAt: Date): Promise<void>;
  /** Undelivered events per subscription (or of one), for operators. */
  backlog(subscriptionId?: string): Promise<Record<string, number>>;
  /** Deletes delivered events older than this. */
  purgeDelivered(before: Date): Promise<number>;
}

/** The subscription patterns an action matches: itself, each of its prefixes with `.*`, and `*`. */
export function patternsFor(action: string): string[] {
  const parts = action.split('.');
  return ['*', action, ...parts.slice(0, -1).map((_, i) => `${parts.slice(0, i + 1).join('.')}.*`)];
}
