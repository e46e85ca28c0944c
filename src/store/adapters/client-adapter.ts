import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { ClientMetadata, ClientStore } from '../../clients/client-store.ts';

/** oidc-provider's Client model, served from the oidc_clients table whatever holds the other models. */
export function clientAdapter(clients: ClientStore): Adapter {
  return {
    find: (id) => clients.find(id) as Promise<AdapterPayload | undefined>,
    async upsert(id, payload) {
      await clients.save({ ...payload, client_id: id } as ClientMetadata);
    },
    async destroy(id) {
      await clients.delete(id);
    },
    findByUid: async () => undefined,
    findByUserCode: async () => undefined,
    consume: async () => undefined,
    revokeByGrantId: async () => undefined,
  };
}
