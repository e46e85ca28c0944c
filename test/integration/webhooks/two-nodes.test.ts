import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { freshDatabaseUrl } from '../../helpers/database.ts';
import { gatehouseCli } from '../../helpers/cli.ts';
import { until } from '../../helpers/eventually.ts';
import { closeReceivers, startReceiver } from '../../helpers/webhook-receiver.ts';

const FAST = { WEBHOOK_POLL_MS: '10', WEBHOOK_BACKOFF_MIN_MS: '20', WEBHOOK_BACKOFF_MAX_SECONDS: '1' };

/** Two Gatehouse nodes on one database share the outbox: each event goes out once, in order. */
describe('webhooks on two nodes', () => {
  let a: TestGatehouse;
  let b: TestGatehouse;
  let env: Record<string, string>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    env = { ...FAST, DATABASE_URL: await freshDatabaseUrl() };
    a = await startGatehouse({ env });
    b = await startGatehouse({ env: { ...env, GATEHOUSE_DATA_DIR: a.running.core.config.dataDir } });
    receiver = await startReceiver();
  }, 60_000);
  afterAll(async () => {
    await closeReceivers();
    await a.close();
    await b.close();
  });

  it('do not deliver an event twice, and keep each subscription in order', async () => {
    receiver.state.delayMs = 5; // both nodes poll while a delivery is in flight
    receiver.state.status = 503; // until the secret is known
    const created = await gatehouseCli(['webhook', 'add', '--url', receiver.url, '--event', 'sign_in_failed', '--event', 'admin.*'], { ...env, GATEHOUSE_DATA_DIR: a.running.core.config.dataDir });
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const [, id, secret] = /^created webhook ([0-9a-f-]{36})\nsecret: (whsec_\S+)\n\(shown once; store it now\)\n$/.exec(created.stdout)!;
    receiver.state.secret = secret!;
    receiver.state.status = 204;
    // events written by both nodes, interleaved
    for (let i = 0; i < 20; i++) {
      const node = i % 2 ? a : b;
      await node.running.core.store.securityEvents.record({ accountId: null, kind: 'sign_in_failed', ip: '203.0.113.7', userAgent: null, deviceId: null, detail: { reason: 'invalid_credentials', n: i } });
      await node.running.core.store.securityEvents.record({ accountId: null, kind: 'sign_in', ip: '203.0.113.7', userAgent: null, deviceId: null, detail: { n: i } });
    }
    const expected = (await a.running.core.store.audit.read(1, 1000)).filter((r) => r.action === 'sign_in_failed' || r.action.startsWith('admin.')).map((r) => r.seq);
    expect(expected).toHaveLength(21);
    await until(() => receiver.state.received.length >= expected.length, 'every event delivered');
    await new Promise((r) => setTimeout(r, 200)); // room for a double delivery to show
    expect(receiver.state.received.map((r) => r.seq)).toEqual(expected);
    expect(receiver.state).toMatchObject({ duplicates: 0, badSignatures: 0 });

    const listed = await gatehouseCli(['webhook', 'list'], env);
    expect(listed.stdout).toBe(`${id}\tenabled\t${receiver.url}\tsign_in_failed,admin.*\t0 pending\n`);
    expect((await gatehouseCli(['webhook', 'rotate-secret', id!], env)).stdout).toMatch(/^secret: whsec_\S+\n\(shown once; store it now\)\n$/);
    expect(await gatehouseCli(['webhook', 'remove', id!], env)).toMatchObject({ code: 0, stdout: `removed webhook ${id}\n` });
    expect(await gatehouseCli(['webhook', 'remove', id!], env)).toMatchObject({ code: 1, stderr: `gatehouse: no webhook with id "${id}"\n` });
    const actions = (await a.running.core.store.audit.read(1, 1000)).filter((r) => r.action.startsWith('admin.webhook.')).map((r) => [r.action, r.actor]);
    expect(actions).toEqual([['admin.webhook.create', expect.stringMatching(/^cli:/)], ['admin.webhook.rotate_secret', expect.stringMatching(/^cli:/)], ['admin.webhook.delete', expect.stringMatching(/^cli:/)]]);
  }, 120_000); // five CLI processes, each opening the store
});
