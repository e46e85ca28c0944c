import { AppError } from '../app-error.ts';
import { checkIfMatch } from '../admin/etag.ts';
import type { Actor, RecordChange } from '../audit/changes.ts';
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

/**
 * Webhook subscriptions as operators manage them (CLI, admin API): every change is recorded in
 * the audit log with its actor; the signing secret is shown once, at creation or rotation.
 */
export function createWebhookService({ store, recordChange, production }: { store: WebhookStore; recordChange: RecordChange; production: boolean }) {
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
  const existing = async (id: string) => {
    const found = /^[0-9a-f-]{36}$/i.test(id) ? await store.find(id) : undefined;
    if (!found) throw new AppError('webhook_not_found', 404, `no webhook with id "${id}"`);
    return found;
  };
  const target = (id: string) => ({ type: 'webhook', id });

  const service = {
    list: () => store.list(),
    find: existing,
    backlog: () => store.backlog(),

    /** Creates a subscription; answers it with its signing secret, which is never shown again. */
    async create(actor: Actor, input: NewSubscription): Promise<{ subscription: WebhookSubscription; secret: string }> {
      const fields: SubscriptionFields = {
        url: checkUrl(input.url), events: checkEvents(input.events), enabled: input.enabled ?? true, description: input.description ?? null,
      };
      const secret = newWebhookSecret();
      const subscription = await store.create(fields, secret);
      await recordChange(actor, 'webhook.create', target(subscription.id), undefined, fields);
      return { subscription, secret };
    },

    /** Changes a subscription; with ifMatch, only while it is still the version the caller read (412 otherwise). */
    async update(actor: Actor, id: string, input: Partial<NewSubscription>, ifMatch?: string): Promise<WebhookSubscription> {
      const before = await existing(id);
      checkIfMatch(ifMatch, before);
      const fields: Partial<SubscriptionFields> = {
        ...(input.url !== undefined ? { url: checkUrl(input.url) } : {}),
        ...(input.events !== undefined ? { events: checkEvents(input.events) } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
      };
      const after = (await store.update(id, fields))!;
      const pick = ({ url, events, enabled, description }: WebhookSubscription) => ({ url, events, enabled, description });
      await recordChange(actor, 'webhook.update', target(id), pick(before), pick(after));
      return after;
    },

    enable: (actor: Actor, id: string) => service.update(actor, id, { enabled: true }),
    disable: (actor: Actor, id: string) => service.update(actor, id, { enabled: false }),

    /** Removes a subscription and the events still waiting for it. */
    async delete(actor: Actor, id: string, ifMatch?: string): Promise<void> {
      const before = await existing(id);
      checkIfMatch(ifMatch, before);
      await store.delete(id);
      await recordChange(actor, 'webhook.delete', target(id), { url: before.url, events: before.events, enabled: before.enabled, description: before.description });
    },

    /** A new signing secret, in force at once for every later attempt; answered once. */
    async rotateSecret(actor: Actor, id: string): Promise<string> {
      await existing(id);
      const secret = newWebhookSecret();
      await store.setSecret(id, secret);
      await recordChange(actor, 'webhook.rotate_secret', target(id), { secret: 'old' }, { secret: 'new' });
      return secret;
    },
  };
  return service;
}

export type WebhookService = ReturnType<typeof createWebhookService>;
