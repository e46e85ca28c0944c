import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from 'typeorm';
import type { ClientMetadata, ClientStore } from '../clients/client-store.ts';
import { ClientEntity } from './entities/client.ts';

export function clientRepository(manager: EntityManager): ClientStore {
  const repo = manager.getRepository(ClientEntity);
  return {
    find: async (clientId) => (await repo.findOneBy({ clientId }))?.metadata as ClientMetadata | undefined,
    list: async () => (await repo.find({ order: { clientId: 'ASC' } })).map((row) => row.metadata as ClientMetadata),
    async save(metadata) {
      const existing = await repo.findOneBy({ clientId: metadata.client_id });
      if (existing && isDeepStrictEqual(existing.metadata, metadata)) return 'unchanged';
      await repo.save({ clientId: metadata.client_id, metadata });
      return existing ? 'updated' : 'created';
    },
    delete: async (clientId) => ((await repo.delete({ clientId })).affected ?? 0) > 0,
  };
}
