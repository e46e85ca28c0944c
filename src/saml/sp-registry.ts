import { AppError } from '../app-error.ts';
import { defaultSettings, type ServiceProvider, type ServiceProviderStore, type SpSettings } from './service-provider.ts';
import { parseSpMetadata } from './sp-metadata.ts';

/** The downstream SAML service providers: metadata checked on the way in, parsed on the way out. */
export function createSpRegistry(store: ServiceProviderStore) {
  const parsed = new Map<string, ReturnType<typeof parseSpMetadata>>(); // by metadata text
  const metadataOf = (xml: string) => {
    let metadata = parsed.get(xml);
    if (!metadata) {
      metadata = parseSpMetadata(xml);
      if (parsed.size > 1000) parsed.clear();
      parsed.set(xml, metadata);
    }
    return metadata;
  };
  const hydrate = (row: { metadataXml: string; settings: SpSettings }): ServiceProvider => {
    const metadata = metadataOf(row.metadataXml);
    return { entityId: metadata.entityId, metadataXml: row.metadataXml, metadata, settings: row.settings };
  };

  return {
    async find(entityId: string): Promise<ServiceProvider | undefined> {
      const row = await store.find(entityId);
      return row && hydrate(row);
    },
    list: async () => (await store.list()).map(hydrate),

    /** Adds or replaces an SP, keyed by the entity ID in its metadata. */
    async save(metadataXml: string, settings: Partial<SpSettings> = {}, existing?: SpSettings): Promise<ServiceProvider> {
      const metadata = parseSpMetadata(metadataXml);
      const merged = defaultSettings(metadata, { ...existing, ...settings });
      if (merged.encryptAssertion && !metadata.encryptionCerts.length) {
        throw new AppError('invalid_settings', 400, `${metadata.entityId}: encrypt_assertion needs an encryption certificate in the SP metadata`);
      }
      await store.save(metadata.entityId, metadataXml, merged);
      return { entityId: metadata.entityId, metadataXml, metadata, settings: merged };
    },

    remove: (entityId: string) => store.delete(entityId),
  };
}

export type SpRegistry = ReturnType<typeof createSpRegistry>;
