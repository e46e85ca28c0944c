import { AppError } from '../app-error.ts';
import { checkIfMatch } from '../admin/etag.ts';
import type { Actor } from '../audit/changes.ts';
import type { Repositories, Store } from '../store/open-store.ts';
import { isUuid } from '../uuid.ts';
import { newWebhookSecret } from './signature.ts';
import type { SubscriptionFields, WebhookStore, WebhookSubscription } from './webhook.ts';

export interface NewSubscription {
  url: string;
  events: string[];
  description?: string | null;
  enabled?: boolean;
}

// an action name (sign_in, admin.client.create), a prefix of one (admin.*), or every event (*)
const EVENT_PATTERN = /^(\*|[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?)$/;

/** What an operator sets on a subscription: what its audit entries show. */
const editable = ({ url, events, enabled, description }: WebhookSubscription) => ({ url, events, enabled, description });

/**
 * Webhook subscriptions as operators manage them (CLI, admin API): every change is recorded in
 * the audit log with its actor, in the change's own transaction, under the subscription's lock;
 * the signing secret is shown once, at creation or rotation.
 */
export function createWebhookService({ store, transaction, production }: { store: WebhookStore; transaction: Store['transaction']; production: boolean }) {
  const checkUrl = (value: string) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new AppError('invalid_webhook', 400, `url: "${value}" is not a URL`);
    }
    if (url.protocol !== 'https:' && (production || url.protocol !== 'http:')) {
      throw new AppError('invalid_webhook', 400, `url: must be an https:// URL${production ? ' in production' : ' (or http:// outside production)'}`);
    }
    if (url.username || url.password) throw new AppError('invalid_webhook', 400, 'url: must not hold credentials');
    if (value.length > 2048) throw new AppError('invalid_webhook', 400, 'url: must be at most 2048 characters');
    return url.href;
  };
  const checkEvents = (events: string[]) => {
    if (!events.length) throw new AppError('invalid_webhook', 400, 'events: name at least one event (an action like sign_in, a prefix like admin.*, or *)');
    const bad = events.find((e) => !EVENT_PATTERN.test(e));
    if (bad !== undefined) throw new AppError('invalid_webhook', 400, `events: "${bad}" is not an action name, a prefix ending in .* or *`);
    return [...new Set(events)];
  };
  const existing = async (id: string, from: Pick<WebhookStore, 'find'> = store) => {
    const found = isUuid(id) ? await from.find(id) : undefined;
    if (!found) throw new AppError('webhook_not_found', 404, `no webhook with id "${id}"`);
    return found;
  };
  const target = (id: string) => ({ type: 'webhook', id });
  /** Runs a change to subscription `id` holding its lock; the audit entry lands with it. */
  const change = <T>(id: string, fn: (tx: Repositories & { current: () => Promise<WebhookSubscription> }) => Promise<T>) =>
    transaction(async (tx) => {
      await tx.lock(`webhook:${id}`);
      return fn({ ...tx, current: () => existing(id, tx.webhooks) });
    });

  const service = {
    list: () => store.list(),
    find: existing,
    backlog: (subscriptionId?: string) => store.backlog(subscriptionId),

    /** Creates a subscription; answers it with its signing secret, which is never shown again. */
    async create(actor: Actor, input: NewSubscription): Promise<{ subscription: WebhookSubscription; secret: string }> {
      const fields: SubscriptionFields = {
        url: checkUrl(input.url), events: checkEvents(input.events), enabled: input.enabled ?? true, description: input.description ?? null,
      };
      const secret = newWebhookSecret();
      return transaction(async (repos) => {
        const subscription = await repos.webhooks.create(fields, secret);
        await repos.record(actor, 'webhook.create', target(subscription.id), undefined, fields);
        return { subscription, secret };
      });
    },

    /** Changes a subscription; with ifMatch, only while it is still the version the caller read (412 otherwise). */
    async update(actor: Actor, id: string, input: Partial<NewSubscription>, ifMatch?: string): Promise<WebhookSubscription> {
      const fields: Partial<SubscriptionFields> = {
        ...(input.url !== undefined ? { url: checkUrl(input.url) } : {}),
        ...(input.events !== undefined ? { events: checkEvents(input.events) } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
      };
      return change(id, async (tx) => {
        const before = await tx.current();
        checkIfMatch(ifMatch, before);
        const after = (await tx.webhooks.update(id, fields))!;
        await tx.record(actor, 'webhook.update', target(id), editable(before), editable(after));
        return after;
      });
    },

    enable: (actor: Actor, id: string) => service.update(actor, id, { enabled: true }),
    disable: (actor: Actor, id: string) => service.update(actor, id, { enabled: false }),

    /** Removes a subscription and the events still waiting for it. */
    delete: (actor: Actor, id: string, ifMatch?: string): Promise<void> => change(id, async (tx) => {
      const before = await tx.current();
      checkIfMatch(ifMatch, before);
      await tx.webhooks.delete(id);
      await tx.record(actor, 'webhook.delete', target(id), editable(before));
    }),

    /** A new signing secret, in force at once for every later attempt; answered once. */
    rotateSecret: (actor: Actor, id: string): Promise<string> => change(id, async (tx) => {
      await tx.current();
      const secret = newWebhookSecret();
      await tx.webhooks.setSecret(id, secret);
      await tx.record(actor, 'webhook.rotate_secret', target(id), { secret: 'old' }, { secret: 'new' });
      return secret;
    }),
  };
  return service;
}

export type WebhookService = ReturnType<typeof createWebhookService>;
