import type { ClientMetadata, ClientStore } from '../clients/client-store.ts';
import type { ChangeFeed } from './change-feed.ts';

// A safety net only: changes reach every process through the change feed at once.
const TTL_MS = 5 * 60_000;

/**
 * Client metadata kept in memory, so token requests cost no database round trip. Writes go
 * through and are announced on the change feed; every process drops its copy when told.
 */
export function cachedClients(store: ClientStore, feed: ChangeFeed): ClientStore & { changed(id: string): Promise<void> } {
  // kept as JSON (metadata is a jsonb column): each caller gets its own copy, and parsing is the
  // cheapest way to make one on every token request
  const cache = new Map<string, { json: string; until: number }>();
  feed.on('client', (id) => cache.delete(id));
  const changed = async (id: string) => {
    cache.delete(id);
    await feed.publish('client', id);
  };
  return {
    /** Drops this process's copy and tells the others (for writes made around this store). */
    changed,
    async find(clientId) {
      const hit = cache.get(clientId);
      if (hit && hit.until > Date.now()) return JSON.parse(hit.json) as ClientMetadata;
      const metadata = await store.find(clientId);
      if (metadata) cache.set(clientId, { json: JSON.stringify(metadata), until: Date.now() + TTL_MS });
      else cache.delete(clientId);
      return metadata;
    },
    list: () => store.list(),
    async save(metadata) {
      const outcome = await store.save(metadata);
      if (outcome !== 'unchanged') await changed(metadata.client_id);
      return outcome;
    },
    async delete(clientId) {
      const deleted = await store.delete(clientId);
      if (deleted) await changed(clientId);
      return deleted;
    },
  };
}
