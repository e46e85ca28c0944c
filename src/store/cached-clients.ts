import type { ClientMetadata, ClientStore } from '../clients/client-store.ts';
import type { ChangeFeed } from './change-feed.ts';
import { asJson, feedCache } from './feed-cache.ts';

/**
 * Client metadata kept in memory, so token requests cost no database round trip. Writes go
 * through and are announced on the change feed; every process drops its copy when told.
 */
export function cachedClients(store: ClientStore, feed: ChangeFeed): ClientStore & { changed(id: string): Promise<void> } {
  // metadata is a jsonb column: JSON is the cheapest copy to hand out on every token request
  const cache = feedCache<ClientMetadata, string>(feed, 'client', asJson);
  return {
    /** Drops this process's copy and tells the others (for writes made around this store). */
    changed: cache.changed,
    find: (clientId) => cache.get(clientId, () => store.find(clientId)),
    list: () => store.list(),
    async save(metadata) {
      const outcome = await store.save(metadata);
      if (outcome !== 'unchanged') await cache.changed(metadata.client_id);
      return outcome;
    },
    async delete(clientId) {
      const deleted = await store.delete(clientId);
      if (deleted) await cache.changed(clientId);
      return deleted;
    },
  };
}
