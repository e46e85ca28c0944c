import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { DataSource } from 'typeorm';
import { clientAdapter } from '../../../src/store/adapters/client-adapter.ts';
import { postgresAdapter, purgeExpiredModels } from '../../../src/store/adapters/postgres-adapter.ts';
import { redisAdapter } from '../../../src/store/adapters/redis-adapter.ts';
import { clientRepository } from '../../../src/store/client-repository.ts';
import { apiKeyRepository } from '../../../src/store/api-key-repository.ts';
import { createDataSource } from '../../../src/store/data-source.ts';
import { freshDatabaseUrl } from '../../helpers/database.ts';

let dataSource: DataSource;
let redis: Redis;
// One prefix per run, so runs and workers never see each other's keys.
const prefix = `test:contract:${crypto.randomBytes(6).toString('hex')}:`;

beforeAll(async () => {
  dataSource = createDataSource(await freshDatabaseUrl());
  await dataSource.initialize();
  await dataSource.runMigrations();
  redis = new Redis(process.env.REDIS_URL!);
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await dataSource.destroy();
});

const newId = () => crypto.randomBytes(12).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds or `ms` have passed; answers whether it held. */
async function within(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await sleep(100);
  }
  return check();
}

/** Stores a payload under a fresh id for 60 s and answers the id. */
async function stored(adapter: Adapter, payload: AdapterPayload, expiresIn = 60): Promise<string> {
  const id = newId();
  await adapter.upsert(id, payload, expiresIn);
  return id;
}

// Models oidc-provider issues under a grant (src/store/adapters/redis-adapter.ts `grantable`).
const GRANTABLE = ['AccessToken', 'RefreshToken', 'AuthorizationCode'];

// One contract, every implementation: what oidc-provider relies on from its adapter.
describe.each([
  ['redis', (model: string) => redisAdapter(redis, prefix, model)],
  ['postgres', (model: string) => postgresAdapter(dataSource, model)],
])('oidc-provider adapter contract (%s)', (_name, adapterFor: (model: string) => Adapter) => {
  const tokens = () => adapterFor('AccessToken');

  it('finds what it stored, and nothing for an unknown id', async () => {
    const payload = { accountId: 'a1', scope: 'openid', nested: { list: [1, 'two', null], flag: true } };
    const id = await stored(tokens(), payload);
    expect(await tokens().find(id)).toEqual(payload);
    expect(await tokens().find(newId())).toBeUndefined();
  });

  it('replaces the payload on upsert, and a replaced model is no longer consumed', async () => {
    const id = await stored(tokens(), { version: 1, note: 'dropped' });
    await tokens().consume(id);
    await tokens().upsert(id, { version: 2 }, 60);
    expect(await tokens().find(id)).toEqual({ version: 2 });
  });

  it('marks a model consumed with the epoch seconds of its first use, and keeps them', async () => {
    const id = await stored(tokens(), { v: 1 });
    const before = nowSeconds();
    await Promise.all([tokens().consume(id), tokens().consume(id)]);
    const first = (await tokens().find(id))?.consumed;
    expect(typeof first).toBe('number');
    expect(first).toBeGreaterThanOrEqual(before);
    expect(first).toBeLessThanOrEqual(nowSeconds());
    await sleep(1100); // a second later, so a rewritten timestamp would differ
    await tokens().consume(id);
    expect(await tokens().find(id)).toEqual({ v: 1, consumed: first });
  });

  it('consuming an unknown id stores nothing', async () => {
    const id = newId();
    await tokens().consume(id);
    expect(await tokens().find(id)).toBeUndefined();
  });

  it('destroys a model, and only that one', async () => {
    const [gone, kept] = [await stored(tokens(), { v: 1 }), await stored(tokens(), { v: 2 })];
    await tokens().destroy(gone);
    expect(await tokens().find(gone)).toBeUndefined();
    expect(await tokens().find(kept)).toEqual({ v: 2 });
  });

  it('finds a session by its uid', async () => {
    const sessions = adapterFor('Session');
    const uid = newId();
    await stored(sessions, { uid, accountId: 'a1' });
    expect(await sessions.findByUid(uid)).toEqual({ uid, accountId: 'a1' });
    expect(await sessions.findByUid(newId())).toBeUndefined();
  });

  it('finds a device code by its user code, consumed or not', async () => {
    const deviceCodes = adapterFor('DeviceCode');
    const userCode = `${newId().slice(0, 4)}-${newId().slice(0, 4)}`;
    const id = await stored(deviceCodes, { userCode, grantId: newId() });
    expect(await deviceCodes.findByUserCode(userCode)).toMatchObject({ userCode });
    await deviceCodes.consume(id);
    expect(await deviceCodes.findByUserCode(userCode)).toMatchObject({ userCode, consumed: expect.any(Number) });
    expect(await deviceCodes.findByUserCode('ZZZZ-ZZZZ')).toBeUndefined();
  });

  // oidc-provider revokes a grant through whichever models the client may use (lib/helpers/revoke.js).
  it.each(GRANTABLE)('revokes every token of a grant through %s, and only those', async (revoker) => {
    const [grantId, otherGrantId] = [newId(), newId()];
    const ofGrant = await Promise.all(GRANTABLE.map(async (model) => [model, await stored(adapterFor(model), { grantId })] as const));
    const ofOther = await Promise.all(GRANTABLE.map(async (model) => [model, await stored(adapterFor(model), { grantId: otherGrantId })] as const));

    await adapterFor(revoker).revokeByGrantId(grantId);

    for (const [model, id] of ofGrant) expect(await adapterFor(model).find(id)).toBeUndefined();
    for (const [model, id] of ofOther) expect(await adapterFor(model).find(id)).toEqual({ grantId: otherGrantId });
  });

  it('keeps models of different names apart under the same id', async () => {
    const id = newId();
    await tokens().upsert(id, { kind: 'access' }, 60);
    await adapterFor('RefreshToken').upsert(id, { kind: 'refresh' }, 60);
    await adapterFor('RefreshToken').consume(id);
    expect(await tokens().find(id)).toEqual({ kind: 'access' });
    await tokens().destroy(id);
    expect(await adapterFor('RefreshToken').find(id)).toMatchObject({ kind: 'refresh' });
  });

  it('forgets a model once its expiresIn has passed, lookups by uid included', async () => {
    const sessions = adapterFor('Session');
    const uid = newId();
    const id = await stored(sessions, { uid }, 1);
    expect(await sessions.find(id)).toEqual({ uid });
    const gone = await within(3000, async () => (await sessions.find(id)) === undefined && (await sessions.findByUid(uid)) === undefined);
    expect(gone).toBe(true);
  });
});

describe('Redis adapter key hygiene', () => {
  // Redis frees nothing by itself: a key without a TTL stays until someone deletes it.
  it('gives every key it writes a TTL when the models have one', async () => {
    const own = `${prefix}hygiene:`;
    const adapter = (model: string) => redisAdapter(redis, own, model);
    const grantId = newId();
    const code = await stored(adapter('AuthorizationCode'), { grantId });
    await stored(adapter('AccessToken'), { grantId });
    await stored(adapter('Session'), { uid: newId() });
    await stored(adapter('DeviceCode'), { userCode: newId(), grantId });
    await adapter('AuthorizationCode').consume(code);
    await adapter('AuthorizationCode').consume(newId()); // e.g. a code that expired between find and consume

    const keys = await redis.keys(`${own}*`);
    expect(keys.length).toBeGreaterThanOrEqual(6);
    const withoutTtl = [];
    for (const key of keys) if ((await redis.ttl(key)) < 0) withoutTtl.push(key);
    expect(withoutTtl).toEqual([]);
  });
});

describe('PostgreSQL model table upkeep', () => {
  const countExpired = async (ids: string[]) => {
    const [row] = await dataSource.query('SELECT count(*)::int AS n FROM oidc_models WHERE id = ANY($1) AND expires_at < now()', [ids]);
    return (row as { n: number }).n;
  };

  it('purges expired rows and keeps live ones', async () => {
    const interactions = postgresAdapter(dataSource, 'Interaction');
    const [expired, live] = [await stored(interactions, { v: 'old' }), await stored(interactions, { v: 'new' })];
    await dataSource.query("UPDATE oidc_models SET expires_at = now() - interval '1 second' WHERE id = $1", [expired]);
    expect(await countExpired([expired, live])).toBe(1);

    await purgeExpiredModels(dataSource);

    expect(await countExpired([expired, live])).toBe(0);
    const [row] = await dataSource.query('SELECT count(*)::int AS n FROM oidc_models WHERE id = ANY($1)', [[expired, live]]);
    expect(row).toEqual({ n: 1 });
    expect(await interactions.find(live)).toEqual({ v: 'new' });
  });
});

describe('client adapter', () => {
  it('serves oidc-provider clients from the oidc_clients table', async () => {
    const clients = clientAdapter(clientRepository(dataSource.manager), apiKeyRepository(dataSource.manager));
    const metadata = { redirect_uris: ['https://app.example/cb'], grant_types: ['authorization_code'] };
    await clients.upsert('contract-client', metadata, 0);
    expect(await clients.find('contract-client')).toEqual({ ...metadata, client_id: 'contract-client' });

    await clients.upsert('contract-client', { ...metadata, grant_types: ['refresh_token'] }, 0);
    expect(await clients.find('contract-client')).toMatchObject({ grant_types: ['refresh_token'] });

    await clients.destroy('contract-client');
    expect(await clients.find('contract-client')).toBeUndefined();
    expect(await clients.find('never-registered')).toBeUndefined();
  });
});
