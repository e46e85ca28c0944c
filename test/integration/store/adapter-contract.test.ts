import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import type { Adapter } from 'oidc-provider';
import type { DataSource } from 'typeorm';
import { postgresAdapter, purgeExpiredModels } from '../../../src/store/adapters/postgres-adapter.ts';
import { redisAdapter } from '../../../src/store/adapters/redis-adapter.ts';
import { clientAdapter } from '../../../src/store/adapters/client-adapter.ts';
import { clientRepository } from '../../../src/store/client-repository.ts';
import { createDataSource } from '../../../src/store/data-source.ts';
import { freshDatabaseUrl } from '../../helpers/database.ts';

let dataSource: DataSource;
let redis: Redis;
const prefix = `contract:${crypto.randomBytes(4).toString('hex')}:`;

beforeAll(async () => {
  dataSource = createDataSource(await freshDatabaseUrl());
  await dataSource.initialize();
  await dataSource.runMigrations();
  redis = new Redis(process.env.REDIS_URL!);
});
afterAll(async () => {
  redis.disconnect();
  await dataSource.destroy();
});

const id = () => crypto.randomBytes(12).toString('base64url');

async function eventually(check: () => Promise<boolean>, seconds: number): Promise<boolean> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

// One contract, every implementation: what oidc-provider relies on from its adapter.
describe.each([
  ['redis', (model: string) => redisAdapter(redis, prefix, model)],
  ['postgres', (model: string) => postgresAdapter(dataSource, model)],
])('oidc-provider adapter contract (%s)', (_name, adapterFor: (model: string) => Adapter) => {
  let tokens: Adapter;
  beforeAll(() => {
    tokens = adapterFor('AccessToken');
  });

  it('finds what it stored and nothing else', async () => {
    const key = id();
    await tokens.upsert(key, { accountId: 'a1', scope: 'openid', nested: { list: [1, 'two'] } }, 60);
    expect(await tokens.find(key)).toEqual({ accountId: 'a1', scope: 'openid', nested: { list: [1, 'two'] } });
    expect(await tokens.find(id())).toBeUndefined();
  });

  it('replaces a payload on upsert, clearing consumed', async () => {
    const key = id();
    await tokens.upsert(key, { v: 1 }, 60);
    await tokens.consume(key);
    await tokens.upsert(key, { v: 2 }, 60);
    expect(await tokens.find(key)).toEqual({ v: 2 });
  });

  it('marks a model consumed once, atomically, with the epoch seconds of the first use', async () => {
    const key = id();
    await tokens.upsert(key, { v: 1 }, 60);
    const before = Math.floor(Date.now() / 1000);
    await Promise.all([tokens.consume(key), tokens.consume(key)]);
    const first = (await tokens.find(key))!.consumed as number;
    expect(typeof first).toBe('number');
    expect(first).toBeGreaterThanOrEqual(before);
    expect(first).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await tokens.consume(key);
    expect((await tokens.find(key))!.consumed).toBe(first);
  });

  it('destroys a model', async () => {
    const key = id();
    await tokens.upsert(key, { v: 1 }, 60);
    await tokens.destroy(key);
    expect(await tokens.find(key)).toBeUndefined();
  });

  it('finds sessions by uid and device codes by user code', async () => {
    const sessions = adapterFor('Session');
    const [sessionId, uid] = [id(), id()];
    await sessions.upsert(sessionId, { uid, accountId: 'a1' }, 60);
    expect(await sessions.findByUid(uid)).toEqual({ uid, accountId: 'a1' });
    expect(await sessions.findByUid(id())).toBeUndefined();

    const deviceCodes = adapterFor('DeviceCode');
    const [codeId, userCode] = [id(), 'ABCD-EFGH'];
    await deviceCodes.upsert(codeId, { userCode, grantId: id() }, 60);
    expect(await deviceCodes.findByUserCode(userCode)).toMatchObject({ userCode });
    expect(await deviceCodes.findByUserCode('ZZZZ-ZZZZ')).toBeUndefined();
  });

  it('revokes every token of a grant, and only those', async () => {
    const [grant, other] = [id(), id()];
    const models = ['AccessToken', 'RefreshToken', 'AuthorizationCode'].map(adapterFor);
    const ofGrant = await Promise.all(models.map(async (adapter) => {
      const key = id();
      await adapter.upsert(key, { grantId: grant }, 60);
      return [adapter, key] as const;
    }));
    const survivor = id();
    await tokens.upsert(survivor, { grantId: other }, 60);

    await tokens.revokeByGrantId(grant);

    for (const [adapter, key] of ofGrant) expect(await adapter.find(key)).toBeUndefined();
    expect(await tokens.find(survivor)).toEqual({ grantId: other });
  });

  it('keeps models of different names apart', async () => {
    const key = id();
    await tokens.upsert(key, { kind: 'access' }, 60);
    await adapterFor('RefreshToken').upsert(key, { kind: 'refresh' }, 60);
    expect(await tokens.find(key)).toEqual({ kind: 'access' });
  });

  it('forgets a model once it expires, secondary indexes included', async () => {
    const sessions = adapterFor('Session');
    const [key, uid] = [id(), id()];
    await sessions.upsert(key, { uid }, 1);
    expect(await sessions.find(key)).toBeDefined();
    expect(await eventually(async () => (await sessions.find(key)) === undefined && (await sessions.findByUid(uid)) === undefined, 4)).toBe(true);
  });
});

describe('PostgreSQL model table upkeep', () => {
  it('purges expired rows', async () => {
    const adapter = postgresAdapter(dataSource, 'Interaction');
    const [expired, live] = [id(), id()];
    await adapter.upsert(expired, {}, 1);
    await adapter.upsert(live, {}, 60);
    await dataSource.query("UPDATE oidc_models SET expires_at = now() - interval '1 second' WHERE id = $1", [expired]);
    await purgeExpiredModels(dataSource);
    const rows: { id: string }[] = await dataSource.query('SELECT id FROM oidc_models WHERE id = ANY($1)', [[expired, live]]);
    expect(rows.map((r) => r.id)).toEqual([live]);
  });
});

describe('client adapter', () => {
  it('serves oidc-provider clients from the oidc_clients table', async () => {
    const clients = clientAdapter(clientRepository(dataSource.manager));
    const metadata = { client_id: 'contract-client', redirect_uris: ['https://app.example/cb'], grant_types: ['authorization_code'] };
    await clients.upsert('contract-client', metadata);
    expect(await clients.find('contract-client')).toEqual(metadata);
    await clients.destroy('contract-client');
    expect(await clients.find('contract-client')).toBeUndefined();
  });
});
