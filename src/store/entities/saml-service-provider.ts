import { EntitySchema } from 'typeorm';
import type { SpSettings } from '../../saml/service-provider.ts';

export interface SamlServiceProviderRow {
  entityId: string;
  metadataXml: string;
  settings: SpSettings;
  createdAt: Date;
  updatedAt: Date;
}

/** Downstream SAML service providers: their metadata as given, and Gatehouse's settings for them. */
export const SamlServiceProviderEntity = new EntitySchema<SamlServiceProviderRow>({
  name: 'SamlServiceProvider',
  tableName: 'saml_service_providers',
  columns: {
    entityId: { name: 'entity_id', type: 'varchar', length: 1024, primary: true },
    metadataXml: { name: 'metadata_xml', type: 'text' },
    settings: { type: 'jsonb' },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
    updatedAt: { name: 'updated_at', type: 'timestamptz', updateDate: true },
  },
});
