import type { EntityManager } from 'typeorm';
import type { ServiceProviderStore } from '../saml/service-provider.ts';
import { SamlServiceProviderEntity } from './entities/saml-service-provider.ts';

export function samlSpRepository(manager: EntityManager): ServiceProviderStore {
  const repo = manager.getRepository(SamlServiceProviderEntity);
  return {
    find: async (entityId) => (await repo.findOneBy({ entityId })) ?? undefined,
    list: () => repo.find({ order: { entityId: 'ASC' } }),
    save: async (entityId, metadataXml, settings) => void (await repo.save({ entityId, metadataXml, settings })),
    delete: async (entityId) => ((await repo.delete({ entityId })).affected ?? 0) > 0,
  };
}
