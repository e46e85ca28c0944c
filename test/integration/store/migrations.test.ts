import { loadConfig } from '../../../src/config/load.ts';
import { migrations } from '../../../src/store/data-source.ts';
import { openStore } from '../../../src/store/open-store.ts';
import { freshDatabaseUrl } from '../../helpers/database.ts';

describe('migrations', () => {
  it('run once when several nodes start together, and leave no drift', async () => {
    const config = loadConfig({ DATABASE_URL: await freshDatabaseUrl() });
    const stores = await Promise.all([1, 2, 3].map(() => openStore(config, { mode: 'share' })));
    try {
      const applied = await Promise.all(stores.map((store) => store.migrate()));
      // every migration, each applied by exactly one of the nodes, in order
      expect(applied.flat()).toEqual(migrations.map((migration) => new migration().name));
      expect(await stores[0]!.drift()).toEqual([]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});
