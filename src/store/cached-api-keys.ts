import type { ApiKey, ApiKeyStore } from '../api-keys/api-key.ts';
import type { ChangeFeed } from './change-feed.ts';
import { feedCache } from './feed-cache.ts';

/**
 * API keys kept in memory, so a token request with one costs no database round trip; a
 * revocation is announced on the change feed and every process drops its copy.
 */
export function cachedApiKeys(store: ApiKeyStore, feed: ChangeFeed): ApiKeyStore & { changed(id: string): Promise<void> } {
  // a key has dates, which JSON would turn into strings
  const cache = feedCache<ApiKey, ApiKey>(feed, 'api_key', { keep: (key) => key, copy: (key) => structuredClone(key) });
  return {
    ...store,
    /** Drops this process's copy and tells the others (for writes made around this store). */
    changed: cache.changed,
    find: (id) => cache.get(id, () => store.find(id)),
    async revoke(id) {
      const revoked = await store.revoke(id);
      await cache.changed(id);
      return revoked;
    },
  };
}
