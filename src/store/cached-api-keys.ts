import type { ApiKey, ApiKeyStore } from '../api-keys/api-key.ts';
import type { ChangeFeed } from './change-feed.ts';

// A safety net only: revocations reach every process through the change feed at once.
const TTL_MS = 5 * 60_000;

/**
 * API keys kept in memory, so a token request with one costs no database round trip; a
 * revocation is announced on the change feed and every process drops its copy.
 */
export function cachedApiKeys(store: ApiKeyStore, feed: ChangeFeed): ApiKeyStore & { changed(id: string): Promise<void> } {
  const cache = new Map<string, { key: ApiKey; until: number }>();
  feed.on('api_key', (id) => cache.delete(id));
  const changed = async (id: string) => {
    cache.delete(id);
    await feed.publish('api_key', id);
  };
  return {
    ...store,
    /** Drops this process's copy and tells the others (for writes made around this store). */
    changed,
    async find(id) {
      const hit = cache.get(id);
      if (hit && hit.until > Date.now()) return structuredClone(hit.key);
      const key = await store.find(id);
      if (key) cache.set(id, { key, until: Date.now() + TTL_MS });
      return key;
    },
    async revoke(id) {
      const revoked = await store.revoke(id);
      await changed(id);
      return revoked;
    },
  };
}
