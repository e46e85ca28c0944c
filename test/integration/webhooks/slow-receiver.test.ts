import { until } from '../../helpers/eventually.ts';
import { startReceiver, webhookTestbed } from '../../helpers/webhook-receiver.ts';

/** A receiver that takes its time holds up its own subscription only, not the others on the node. */
describe('webhooks and a slow receiver', () => {
  let bed: Awaited<ReturnType<typeof webhookTestbed>>;
  beforeAll(async () => {
    bed = await webhookTestbed({ WEBHOOK_POLL_MS: '25', WEBHOOK_TIMEOUT_MS: '20000' });
  }, 60_000);
  afterAll(() => bed.close());

  it('delivers the other subscriptions\' events while one receiver is still answering', async () => {
    const core = bed.gh.running.core;
    const [slow, fast] = [await startReceiver(), await startReceiver()];
    let letGo = () => {};
    slow.state.hold = new Promise<void>((resolve) => (letGo = resolve)); // stuck until the fast one is done
    for (const receiver of [slow, fast]) {
      receiver.state.secret = (await core.webhooks.create('cli:test', { url: receiver.url, events: ['sign_in_failed'] })).secret;
    }
    const record = (n: number) => core.store.securityEvents.record({ accountId: null, kind: 'sign_in_failed', ip: '203.0.113.8', userAgent: null, deviceId: null, detail: { reason: 'invalid_credentials', n } });
    await record(1);
    await until(() => fast.state.received.length === 1, 'the fast receiver\'s first event');
    // events that arrive while the slow receiver still holds its first one
    await record(2);
    await record(3);
    await until(() => fast.state.received.length === 3, 'the fast receiver\'s three events');
    // meanwhile the slow receiver's first attempt has not ended
    const attempts = (await bed.db.query('SELECT attempts FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id WHERE s.url = $1', [slow.url])).rows;
    expect(attempts.map((r) => r.attempts)).toEqual([0, 0, 0]);
    expect(slow.state.received).toEqual([]);
    slow.state.hold = undefined;
    letGo();
    await until(() => slow.state.received.length === 3, 'the slow receiver\'s events, in the end');
    expect(slow.state.received.map((r) => (r.body.data as { detail: { n: number } }).detail.n)).toEqual([1, 2, 3]);
  }, 60_000);
});
