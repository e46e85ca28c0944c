import { loadConfig } from '../../../src/config/load.ts';
import { openStore } from '../../../src/store/open-store.ts';
import { freshDatabaseUrl } from '../../helpers/database.ts';

describe('migrations', () => {
  it('run once when several nodes start together, and leave no drift', async () => {
    const config = loadConfig({ DATABASE_URL: await freshDatabaseUrl() });
    const stores = await Promise.all([1, 2, 3].map(() => openStore(config, { mode: 'share' })));
    try {
      const applied = await Promise.all(stores.map((store) => store.migrate()));
      expect(applied.flat()).toEqual(['Initial1764000000000', 'Accounts1764100000000', 'Saml1764200000000', 'Federation1764300000000', 'Audit1764400000000', 'Roles1764500000000', 'Organizations1764600000000', 'Webhooks1764700000000', 'ApiKeys1764800000000']);
      expect(await stores[0]!.drift()).toEqual([]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});
