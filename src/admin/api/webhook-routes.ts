import { z } from 'zod';
import type { WebhookService } from '../../webhooks/webhook-service.ts';
import type { WebhookSubscription } from '../../webhooks/webhook.ts';
import { route, SOME_CHANGE, someChange } from './route-spec.ts';

const tag = 'Webhooks';
const byId = z.strictObject({ id: z.string().min(1).max(64) });
const fields = {
  url: z.string().min(1).max(2048).describe('https:// (http:// is refused in production)'),
  events: z.array(z.string().min(1).max(64)).min(1).max(100).describe('action names (sign_in), prefixes (admin.*) or *'),
  description: z.string().max(500).nullable(),
  enabled: z.boolean(),
};
const webhookView = z.object({
  id: z.uuid(), url: z.string(), events: z.array(z.string()), description: z.string().nullable(), enabled: z.boolean(),
  pending: z.number().int().describe('events waiting to be delivered'), created_at: z.string(), updated_at: z.string(),
});
const view = (s: WebhookSubscription, pending: number) => ({
  id: s.id, url: s.url, events: s.events, description: s.description, enabled: s.enabled, pending,
  created_at: s.createdAt.toISOString(), updated_at: s.updatedAt.toISOString(),
});

/** One subscription's view, with its own backlog. */
const withBacklog = async (webhooks: WebhookService, s: WebhookSubscription) => view(s, (await webhooks.backlog(s.id))[s.id] ?? 0);

export const webhookRoutes = (webhooks: WebhookService) => [
  route({
    method: 'get', path: '/webhooks', summary: 'List webhook subscriptions and their backlogs', tag, scope: 'admin:read',
    response: { status: 200, schema: z.object({ items: z.array(webhookView) }), description: 'Every subscription.' },
    handle: async () => {
      const backlog = await webhooks.backlog();
      return { body: { items: (await webhooks.list()).map((s) => view(s, backlog[s.id] ?? 0)) } };
    },
  }),
  route({
    method: 'post', path: '/webhooks', summary: 'Subscribe a receiver to audit events (the signing secret is answered once)', tag, scope: 'admin:write',
    body: z.strictObject({ url: fields.url, events: fields.events, description: fields.description.optional(), enabled: fields.enabled.optional() }),
    response: { status: 201, schema: webhookView.extend({ secret: z.string().describe('whsec_…, shown only now') }), description: 'The subscription and its secret.' },
    handle: async ({ body, caller }) => {
      const { subscription, secret } = await webhooks.create(caller.actor, body);
      return { body: { ...view(subscription, 0), secret }, version: subscription, location: `/webhooks/${subscription.id}` };
    },
  }),
  route({
    method: 'get', path: '/webhooks/{id}', summary: 'Read a webhook subscription', tag, scope: 'admin:read', params: byId,
    response: { status: 200, schema: webhookView, description: 'The subscription, with its ETag.' },
    handle: async ({ params }) => {
      const subscription = await webhooks.find(params.id);
      return { body: await withBacklog(webhooks, subscription), version: subscription };
    },
  }),
  route({
    method: 'patch', path: '/webhooks/{id}', summary: 'Change, enable or disable a webhook subscription', tag, scope: 'admin:write', params: byId, ifMatch: 'required',
    body: z.strictObject(fields).partial().refine(someChange, SOME_CHANGE),
    response: { status: 200, schema: webhookView, description: 'The subscription as changed, with its new ETag.' },
    handle: async ({ params, body, caller, ifMatch }) => {
      const subscription = await webhooks.update(caller.actor, params.id, body, ifMatch);
      return { body: await withBacklog(webhooks, subscription), version: subscription };
    },
  }),
  route({
    method: 'post', path: '/webhooks/{id}/rotate-secret', summary: 'Give a webhook subscription a new signing secret (answered once)', tag, scope: 'admin:write', params: byId,
    response: { status: 200, schema: z.object({ secret: z.string() }), description: 'The new secret, in force at once.' },
    handle: async ({ params, caller }) => ({ body: { secret: await webhooks.rotateSecret(caller.actor, params.id) } }),
  }),
  route({
    method: 'delete', path: '/webhooks/{id}', summary: 'Remove a webhook subscription and the events still waiting for it', tag, scope: 'admin:write', params: byId, ifMatch: 'optional',
    response: { status: 204, description: 'The subscription is gone.' },
    handle: async ({ params, caller, ifMatch }) => {
      await webhooks.delete(caller.actor, params.id, ifMatch);
      return {};
    },
  }),
];
