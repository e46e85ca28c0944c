import type pg from 'pg';
import { createWebhookService } from '../../../src/webhooks/webhook-service.ts';
import type { TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover } from '../../helpers/relying-party.ts';
import { ALICE, seedWebApp, WEB_APP } from '../../helpers/seed.ts';
import { until } from '../../helpers/eventually.ts';
import { startReceiver, webhookTestbed } from '../../helpers/webhook-receiver.ts';

// fast polling and short backoff, so a test waits for conditions, not for fixed time
const FAST = { WEBHOOK_POLL_MS: '25', WEBHOOK_BACKOFF_MIN_MS: '20', WEBHOOK_BACKOFF_MAX_SECONDS: '1', WEBHOOK_TIMEOUT_MS: '500' };

describe('webhooks', () => {
  let bed: Awaited<ReturnType<typeof webhookTestbed>>;
  let gh: TestGatehouse;
  let db: pg.Client;

  beforeAll(async () => {
    bed = await webhookTestbed(FAST);
    ({ gh, db } = bed);
    await seedWebApp(gh.running.core);
  }, 60_000);
  afterAll(() => bed.close());

  const signIn = async (password = ALICE.password) => {
    const rp = await discover(gh.issuer, WEB_APP.id, WEB_APP.secret);
    return authorize(rp, { ...ALICE, password }, { scope: 'openid email' });
  };
  const auditFrom = async (seq: number) => (await gh.running.core.store.audit.read(seq, 1000)).map((r) => ({ seq: r.seq, type: r.action }));

  it('a receiver that is down for a while receives every event once it is back, exactly once and in order', async () => {
    const core = gh.running.core;
    const receiver = await startReceiver();
    receiver.state.status = 503;
    const { subscription, secret } = await core.webhooks.create('cli:test', { url: receiver.url, events: ['*'] });
    receiver.state.secret = secret;
    const admins = await startReceiver();
    const filtered = await core.webhooks.create('cli:test', { url: admins.url, events: ['admin.*'] });
    admins.state.secret = filtered.secret;
    const first = (await core.store.audit.read(1, 1000)).find((r) => r.action === 'admin.webhook.create')!.seq;

    // events keep happening while the receiver answers 503
    await signIn();
    await expect(signIn('wrong password')).rejects.toThrow(/did not reach the callback/);
    await core.webhooks.update('account:admin-1', filtered.subscription.id, { description: 'admin changes' });
    await signIn();
    await until(() => receiver.state.refused >= 3, 'retries while the receiver is down');
    const waiting = (await db.query('SELECT attempts, last_error FROM webhook_deliveries WHERE subscription_id = $1 AND delivered_at IS NULL ORDER BY audit_seq LIMIT 1', [subscription.id])).rows[0];
    expect(waiting.attempts).toBeGreaterThanOrEqual(1);
    expect(waiting.last_error).toBe('HTTP 503');
    expect(receiver.state.received).toEqual([]);
    // operators see the backlog of one subscription, not the others' with it
    const backlog = await core.webhooks.backlog(subscription.id);
    expect(Object.keys(backlog)).toEqual([subscription.id]);
    expect(backlog[subscription.id]).toBeGreaterThanOrEqual(3);

    receiver.state.status = 204;
    const expected = await auditFrom(first);
    expect(expected.map((e) => e.type)).toEqual(expect.arrayContaining(['sign_in', 'sign_in_failed', 'admin.webhook.update']));
    await until(() => receiver.state.received.length >= expected.length, 'every event delivered');
    expect(receiver.state.received.map(({ seq, type }) => ({ seq, type }))).toEqual(expected);
    expect(receiver.state).toMatchObject({ duplicates: 0, badSignatures: 0 });
    // the payload: the audit entry, ids matching the header
    const update = receiver.state.received.find((r) => r.type === 'admin.webhook.update')!;
    expect(update.body).toEqual({
      id: update.id, type: 'admin.webhook.update', timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: { seq: update.seq, actor: 'account:admin-1', detail: { target: { type: 'webhook', id: filtered.subscription.id }, before: { description: null }, after: { description: 'admin changes' } } },
    });
    expect(JSON.stringify(receiver.state.received)).not.toContain(secret.slice(6));

    // the filtered subscription got the admin changes only, in order
    const adminEvents = (await auditFrom(first)).filter((e) => e.type.startsWith('admin.') && e.seq > first);
    await until(() => admins.state.received.length >= adminEvents.length, 'admin events delivered');
    expect(admins.state.received.map(({ seq, type }) => ({ seq, type }))).toEqual(adminEvents);
    await receiver.close();
    await admins.close();
    await core.webhooks.delete('cli:test', subscription.id);
    await core.webhooks.delete('cli:test', filtered.subscription.id);
  }, 60_000);

  it('retries a receiver that is not listening, a redirect and a timeout; a 2xx ends it', async () => {
    const core = gh.running.core;
    const receiver = await startReceiver();
    const { subscription, secret } = await core.webhooks.create('cli:test', { url: receiver.url, events: ['sign_in_failed'] });
    receiver.state.secret = secret;
    await receiver.close(); // nobody listening
    await expect(signIn('wrong password')).rejects.toThrow(/did not reach the callback/);
    const lastError = async () => (await db.query('SELECT last_error FROM webhook_deliveries WHERE subscription_id = $1', [subscription.id])).rows[0]?.last_error as string | undefined;
    await until(async () => (await lastError()) === 'ECONNREFUSED', 'a refused connection');
    const redirecting = await startReceiver();
    redirecting.state.status = 302;
    await core.webhooks.update('cli:test', subscription.id, { url: redirecting.url });
    await until(async () => (await lastError()) === 'HTTP 302', 'a redirect not followed');
    expect(redirecting.state.received).toEqual([]);
    await redirecting.close();
    const slow = await startReceiver(secret);
    slow.state.delayMs = 2000;
    await core.webhooks.update('cli:test', subscription.id, { url: slow.url });
    await until(async () => (await lastError()) === 'timed out after 500 ms', 'a timeout');
    slow.state.delayMs = 0;
    await until(() => slow.state.received.length === 1, 'the delivery once the receiver answers in time');
    expect(slow.state.received[0]!.type).toBe('sign_in_failed');
    await until(async () => (await db.query('SELECT delivered_at FROM webhook_deliveries WHERE subscription_id = $1', [subscription.id])).rows[0].delivered_at !== null, 'the row marked delivered');
    await slow.close();
    await core.webhooks.delete('cli:test', subscription.id);
  }, 60_000);

  it('a disabled subscription receives nothing while off, and new events once enabled again', async () => {
    const core = gh.running.core;
    const receiver = await startReceiver();
    const { subscription, secret } = await core.webhooks.create('cli:test', { url: receiver.url, events: ['sign_in_failed'] });
    receiver.state.secret = secret;
    const failure = (n: number) => core.store.securityEvents.record({
      accountId: null, kind: 'sign_in_failed', ip: '203.0.113.5', userAgent: null, deviceId: null, detail: { reason: 'invalid_credentials', n },
    });
    await core.webhooks.disable('account:admin-1', subscription.id);
    await failure(1);
    await core.webhooks.enable('account:admin-1', subscription.id);
    await failure(2);
    await until(() => receiver.state.received.length === 1, 'the event after enabling');
    expect((receiver.state.received[0]!.body.data as { detail: { n: number } }).detail.n).toBe(2);
    const changes = (await core.store.audit.read(1, 1000)).filter((r) => r.action === 'admin.webhook.update' && r.actor === 'account:admin-1').slice(-2);
    expect(changes.map((r) => [r.detail.before, r.detail.after])).toEqual([[{ enabled: true }, { enabled: false }], [{ enabled: false }, { enabled: true }]]);
    await core.webhooks.delete('cli:test', subscription.id);
  }, 60_000);

  it('signs with a rotated secret at once, and refuses non-https receivers in production', async () => {
    const core = gh.running.core;
    const receiver = await startReceiver();
    const { subscription, secret } = await core.webhooks.create('cli:test', { url: receiver.url, events: ['admin.webhook.rotate_secret'] });
    const rotated = await core.webhooks.rotateSecret('cli:test', subscription.id);
    expect(rotated).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(rotated).not.toBe(secret);
    receiver.state.secret = secret; // the old secret no longer verifies
    await until(() => receiver.state.badSignatures > 0, 'a signature the old secret refuses');
    receiver.state.secret = rotated;
    await until(() => receiver.state.received.length === 1, 'the event signed with the new secret');
    const [row] = await core.store.audit.read((await core.store.audit.last())!.seq - 5, 10).then((rows) => rows.filter((r) => r.action === 'admin.webhook.rotate_secret'));
    expect(row!.detail).toEqual({ target: { type: 'webhook', id: subscription.id }, before: { secret: '[redacted]' }, after: { secret: '[redacted]' } });
    await receiver.close();
    await core.webhooks.delete('cli:test', subscription.id);

    const production = createWebhookService({ store: core.store.webhooks, transaction: core.store.transaction.bind(core.store), production: true });
    await expect(production.create('cli:test', { url: 'http://hooks.example.com/', events: ['*'] })).rejects.toThrow('url: must be an https:// URL in production');
    await expect(core.webhooks.create('cli:test', { url: 'https://hooks.example.com/', events: ['sign in'] })).rejects.toThrow('events: "sign in" is not an action name');
    await expect(core.webhooks.create('cli:test', { url: 'ftp://hooks.example.com/', events: ['*'] })).rejects.toThrow(/^url: must be an https:\/\/ URL/);
  }, 60_000);
});
