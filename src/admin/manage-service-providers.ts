import { AppError } from '../app-error.ts';
import type { Actor, RecordChange } from '../audit/changes.ts';
import type { ServiceProvider } from '../saml/service-provider.ts';
import { resolveSpInput, type SpInput } from '../saml/sp-input.ts';
import type { SpRegistry } from '../saml/sp-registry.ts';
import type { Store } from '../store/open-store.ts';
import { checkIfMatch } from './etag.ts';
import { pageOf, type Page, type PageRequest } from './paging.ts';

/** A downstream SAML SP as operators see it: its entity ID, endpoints from its metadata, and our settings. */
export interface ServiceProviderView {
  entity_id: string;
  acs_urls: string[];
  has_encryption_certificate: boolean;
  settings: ServiceProvider['settings'];
  metadata: string;
}

export const serviceProviderView = (sp: ServiceProvider): ServiceProviderView => ({
  entity_id: sp.entityId,
  acs_urls: sp.metadata.assertionConsumerServices.map((a) => a.location),
  has_encryption_certificate: sp.metadata.encryptionCerts.length > 0,
  settings: sp.settings,
  metadata: sp.metadataXml,
});

interface Deps {
  registry: SpRegistry;
  transaction: Store['transaction'];
  recordChange: RecordChange;
}

/** What operators do to SAML service providers, from the CLI, the admin API and the admin UI alike. */
export function manageServiceProviders({ registry, transaction, recordChange }: Deps) {
  const found = async (entityId: string) => {
    const sp = await registry.find(entityId);
    if (!sp) throw new AppError('service_provider_not_found', 404, `no SAML service provider with entity ID ${entityId}`);
    return sp;
  };
  const resolve = (input: SpInput) => resolveSpInput(input, process.cwd()).catch((error: Error) => {
    throw error instanceof AppError ? error : new AppError('invalid_metadata', 400, error.message);
  });

  return {
    page: async (request: PageRequest): Promise<Page<ServiceProviderView>> => pageOf((await registry.list()).map(serviceProviderView), (sp) => sp.entity_id, request),
    get: async (entityId: string) => serviceProviderView(await found(entityId)),

    /** Adds an SP from its metadata; 409 when its entity ID is registered already. */
    async create(actor: Actor, input: SpInput): Promise<ServiceProviderView> {
      const { entityId, metadataXml, settings } = await resolve(input);
      await transaction(async (repos) => {
        await repos.lock(`saml-sp:${entityId}`);
        if (await repos.samlServiceProviders.find(entityId)) throw new AppError('service_provider_exists', 409, `a SAML service provider with entity ID ${entityId} exists already`);
        await repos.samlServiceProviders.save(entityId, metadataXml, settings);
        await repos.record(actor, 'saml_sp.create', { type: 'saml_service_provider', id: entityId }, undefined, { entity_id: entityId, settings });
      });
      return serviceProviderView(await found(entityId));
    },

    /** Replaces the metadata and/or settings; the entity ID in new metadata must stay the same. */
    async update(actor: Actor, entityId: string, input: SpInput, ifMatch?: string): Promise<ServiceProviderView> {
      const before = await found(entityId);
      checkIfMatch(ifMatch, serviceProviderView(before));
      const given = input.metadata === undefined && input.metadata_url === undefined ? { ...input, metadata: before.metadataXml } : input;
      const next = await resolve(given);
      if (next.entityId !== entityId) throw new AppError('invalid_request', 400, `metadata: describes ${next.entityId}, not ${entityId}`);
      await transaction(async (repos) => {
        await repos.lock(`saml-sp:${entityId}`);
        const current = await repos.samlServiceProviders.find(entityId);
        if (!current) throw new AppError('service_provider_not_found', 404, `no SAML service provider with entity ID ${entityId}`);
        checkIfMatch(ifMatch, serviceProviderView({ ...before, metadataXml: current.metadataXml, settings: current.settings }));
        await repos.samlServiceProviders.save(entityId, next.metadataXml, next.settings);
        await repos.record(actor, 'saml_sp.update', { type: 'saml_service_provider', id: entityId }, { settings: current.settings, metadata: current.metadataXml }, { settings: next.settings, metadata: next.metadataXml });
      });
      return serviceProviderView(await found(entityId));
    },

    async delete(actor: Actor, entityId: string, ifMatch?: string): Promise<void> {
      const before = await found(entityId);
      checkIfMatch(ifMatch, serviceProviderView(before));
      await registry.remove(entityId);
      await recordChange(actor, 'saml_sp.delete', { type: 'saml_service_provider', id: entityId }, { entity_id: entityId, settings: before.settings }, undefined);
    },
  };
}

export type ManagedServiceProviders = ReturnType<typeof manageServiceProviders>;
