import { startGatehouse, STORAGE_KINDS, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { startRedisServer } from '../../helpers/redis-server.ts';

const get = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() as Record<string, unknown>, cache: response.headers.get('cache-control') };
};

describe.each(STORAGE_KINDS)('health probes (%s)', (storage) => {
  let gatehouse: TestGatehouse;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ storage });
  });
  afterAll(() => gatehouse.close());

  it('are live and ready when every dependency answers', async () => {
    expect(await get(`${gatehouse.issuer}/health/live`)).toEqual({ status: 200, body: { status: 'live' }, cache: 'no-store' });
    const ready = await get(`${gatehouse.issuer}/health/ready`);
    expect(ready.status).toBe(200);
    const checks = storage === 'redis' ? { postgres: 'ok', redis: 'ok', keys: 'ok' } : { postgres: 'ok', keys: 'ok' };
    expect(ready.body).toEqual({ status: 'ready', checks });
  });
});

describe('readiness when Redis hangs', () => {
  it('answers within its bound, not ready, and ready again once Redis resumes', async () => {
    const redis = await startRedisServer();
    const gatehouse = await startGatehouse({ env: { REDIS_URL: redis.url } });
    try {
      redis.process.kill('SIGSTOP'); // accepts connections, answers nothing
      const started = Date.now();
      const hung = await get(`${gatehouse.issuer}/health/ready`);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(hung.status).toBe(503);
      expect(hung.body).toMatchObject({ status: 'unavailable', checks: { postgres: 'ok', keys: 'ok' } });
      expect(['failing', 'timeout']).toContain((hung.body.checks as Record<string, string>).redis);
      expect((await get(`${gatehouse.issuer}/health/live`)).status).toBe(200);

      redis.process.kill('SIGCONT');
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i++) {
        status = (await get(`${gatehouse.issuer}/health/ready`)).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe(200);
    } finally {
      await gatehouse.close();
      redis.process.kill('SIGKILL');
    }
  });
});
