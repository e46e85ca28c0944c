import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { ClientMetadata, ClientStore } from '../../clients/client-store.ts';
import { isApiKeyId, isUsable, type ApiKeyStore } from '../../api-keys/api-key.ts';
import { apiKeyClient } from '../../api-keys/api-key-client.ts';

/**
 * oidc-provider's Client model, served from the oidc_clients table whatever holds the other
 * models; API keys answer as client_credentials clients, and only while usable (an expired or
 * revoked key does not exist: invalid_client).
 */
export function clientAdapter(clients: ClientStore, apiKeys: Pick<ApiKeyStore, 'find'>): Adapter {
  return {
    async find(id) {
      if (!isApiKeyId(id)) return clients.find(id) as Promise<AdapterPayload | undefined>;
      const key = await apiKeys.find(id);
      return key && isUsable(key) ? apiKeyClient(key) as AdapterPayload : undefined;
    },
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
