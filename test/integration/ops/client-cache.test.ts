import * as oidc from 'openid-client';
import { gatehouseCli } from '../../helpers/cli.ts';
import { startGatehouse, STORAGE_KINDS, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { discover } from '../../helpers/relying-party.ts';
import { eventually } from '../../helpers/eventually.ts';

const JOB = { id: 'cached-job', secret: 'cached-job-secret-0123456789abc' };

describe.each(STORAGE_KINDS)('cached clients (%s)', (storage) => {
  let gatehouse: TestGatehouse;
  let env: Record<string, string>;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ storage });
    const { config } = gatehouse.running.core;
    env = {
      DATABASE_URL: config.databaseUrl!, GATEHOUSE_DATA_DIR: config.dataDir,
      ...(config.redis?.mode === 'single' ? { REDIS_URL: config.redis.url, REDIS_KEY_PREFIX: config.redisKeyPrefix } : {}),
    };
    await gatehouse.running.core.clients.create({
      client_id: JOB.id, client_secret: JOB.secret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [],
    });
  });
  afterAll(() => gatehouse.close());

  const tokenWorks = async () => {
    const rp = await discover(gatehouse.issuer, JOB.id, JOB.secret);
    return oidc.clientCredentialsGrant(rp, { scope: 'api' }).then(() => true, () => false);
  };

  it('sees a client deleted by another process without a restart', async () => {
    expect(await tokenWorks()).toBe(true); // now cached
    const deleted = await gatehouseCli(['client', 'delete', JOB.id], env);
    expect(deleted.code).toBe(0);
    expect(await eventually(async () => !(await tokenWorks()))).toBe(true);
  });
});
