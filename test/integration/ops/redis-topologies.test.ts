import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import { startGatehouse } from '../../helpers/gatehouse.ts';
import { startRedisCluster, startRedisSentinel, type RedisTopology } from '../../helpers/redis-server.ts';
import { authorize, discover } from '../../helpers/relying-party.ts';
import { ALICE, seedWebApp, WEB_APP } from '../../helpers/seed.ts';

describe.each([
  ['Sentinel', startRedisSentinel],
  ['Cluster', startRedisCluster],
])('Redis %s', (_name, start: (dir: string) => Promise<RedisTopology>) => {
  let topology: RedisTopology;

  beforeAll(async () => {
    topology = await start(fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-redis-')));
  });
  afterAll(() => topology.stop());

  it('carries sign-ins, rotating refresh tokens, revocation, lockouts and readiness', async () => {
    // storage 'postgres' only keeps the helper from adding REDIS_URL; the topology's settings bring Redis
    const gatehouse = await startGatehouse({ storage: 'postgres', env: { ...topology.env, LOCKOUT_THRESHOLD: '2' } });
    try {
      await seedWebApp(gatehouse.running.core);
      const rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
      const { callback, verifier, nonce, state } = await authorize(rp, ALICE);
      const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
      const rotated = await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
      await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
      await expect(oidc.refreshTokenGrant(rp, rotated.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

      const { accounts } = gatehouse.running.core;
      for (let i = 0; i < 2; i++) await accounts.authenticate(ALICE.email, 'a wrong passphrase', '192.0.2.9').catch(() => {});
      await expect(accounts.authenticate(ALICE.email, ALICE.password, '192.0.2.9')).rejects.toMatchObject({ code: 'account_locked' });

      const ready = await (await fetch(`${gatehouse.issuer}/health/ready`)).json();
      expect(ready).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok', keys: 'ok' } });
    } finally {
      await gatehouse.close();
    }
  });
});
