import * as oidc from 'openid-client';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { discover } from '../../helpers/relying-party.ts';
import { until } from '../../helpers/eventually.ts';
import { closeReceivers, startReceiver } from '../../helpers/webhook-receiver.ts';

/** Webhook subscriptions through the admin API: created with the secret shown once, ETags, audited as the client. */
describe('webhooks in the admin API', () => {
  let gatehouse: TestGatehouse;
  let token: string;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ env: { WEBHOOK_POLL_MS: '25' } });
    const secret = 'hooks-bot-secret-0123456789abcdef';
    await gatehouse.running.core.clients.create({
      client_id: 'hooks-bot', client_secret: secret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'admin:read admin:write',
    });
    token = (await oidc.clientCredentialsGrant(await discover(gatehouse.issuer, 'hooks-bot', secret), { scope: 'admin:write' })).access_token;
  }, 60_000);
  afterAll(async () => {
    await closeReceivers();
    await gatehouse.close();
  });

  const call = async (method: string, path: string, { body, ifMatch }: { body?: unknown; ifMatch?: string } = {}) => {
    const response = await fetch(`${gatehouse.issuer}/admin/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...(ifMatch ? { 'if-match': ifMatch } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, etag: response.headers.get('etag'), body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };

  it('creates, reads, patches with If-Match, rotates and removes a subscription, each change audited', async () => {
    const receiver = await startReceiver();
    const created = await call('POST', '/webhooks', { body: { url: receiver.url, events: ['admin.webhook.*'] } });
    expect(created).toMatchObject({ status: 201, body: { url: receiver.url, events: ['admin.webhook.*'], enabled: true, pending: 0, secret: expect.stringMatching(/^whsec_/) } });
    const id = created.body.id as string;
    receiver.state.secret = created.body.secret as string;
    const read = await call('GET', `/webhooks/${id}`);
    expect(read.body).not.toHaveProperty('secret');
    expect(JSON.stringify((await call('GET', '/webhooks')).body)).not.toContain(receiver.state.secret);

    expect((await call('PATCH', `/webhooks/${id}`, { body: { description: 'no If-Match' } })).status).toBe(428);
    const patched = await call('PATCH', `/webhooks/${id}`, { body: { description: 'ops' }, ifMatch: read.etag! });
    expect(patched).toMatchObject({ status: 200, body: { description: 'ops' } });
    expect((await call('PATCH', `/webhooks/${id}`, { body: { enabled: false }, ifMatch: read.etag! })).status).toBe(412);
    expect((await call('PATCH', `/webhooks/${id}`, { body: { events: [] }, ifMatch: '*' })).body.error_description).toMatch(/^body\.events: /);
    // three changes made from one version at the same moment: one wins, the others are told
    const current = (await call('GET', `/webhooks/${id}`)).etag!;
    const racing = await Promise.all(['a', 'b', 'c'].map((description) => call('PATCH', `/webhooks/${id}`, { body: { description }, ifMatch: current })));
    expect(racing.map((r) => r.status).sort()).toEqual([200, 412, 412]);
    // the subscription hears about its own change, as the client made it
    await until(() => receiver.state.received.some((r) => r.type === 'admin.webhook.update'), 'the update event');
    expect(receiver.state.received.find((r) => r.type === 'admin.webhook.update')!.body.data).toMatchObject({ actor: 'client:hooks-bot' });

    const rotated = await call('POST', `/webhooks/${id}/rotate-secret`);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(receiver.state.secret);
    expect((await call('DELETE', `/webhooks/${id}`)).status).toBe(204);
    expect((await call('GET', `/webhooks/${id}`)).status).toBe(404);
    const actions = (await gatehouse.running.core.store.audit.read(1, 1000)).filter((r) => r.action.startsWith('admin.webhook.')).map((r) => [r.action, r.actor]);
    expect(actions).toEqual([
      ['admin.webhook.create', 'client:hooks-bot'], ['admin.webhook.update', 'client:hooks-bot'], ['admin.webhook.update', 'client:hooks-bot'],
      ['admin.webhook.rotate_secret', 'client:hooks-bot'], ['admin.webhook.delete', 'client:hooks-bot'],
    ]);
  }, 60_000);
});
