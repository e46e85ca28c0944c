import type { Upstream, UpstreamStore } from '../federation/upstream.ts';
import type { ChangeFeed } from './change-feed.ts';
import { asJson, feedCache } from './feed-cache.ts';

const ALL = 'all';

/**
 * The upstream IdPs kept in memory: every login page lists them and every password sign-in
 * looks for its email domain among them, so neither costs a database round trip. Writes are
 * announced on the change feed; every process drops its copy when told.
 */
export function cachedUpstreams(store: UpstreamStore, feed: ChangeFeed): UpstreamStore & { changed(): Promise<void> } {
  const cache = feedCache<Upstream[], string>(feed, 'upstream', asJson);
  const list = async () => (await cache.get(ALL, () => store.list()))!;
  const changed = () => cache.changed(ALL);
  return {
    ...store,
    /** Drops this process's copy and tells the others (for writes made around this store). */
    changed,
    list,
    find: async (id) => (await list()).find((upstream) => upstream.id === id),
    async save(upstream) {
      await store.save(upstream);
      await changed();
    },
    async delete(id) {
      const deleted = await store.delete(id);
      if (deleted) await changed();
      return deleted;
    },
  };
}
