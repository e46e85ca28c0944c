import type { Upstream, UpstreamStore } from '../federation/upstream.ts';
import type { ChangeFeed } from './change-feed.ts';

// A safety net only: changes reach every process through the change feed at once.
const TTL_MS = 5 * 60_000;

/**
 * The upstream IdPs kept in memory: every login page lists them and every password sign-in
 * looks for its email domain among them, so neither costs a database round trip. Writes are
 * announced on the change feed; every process drops its copy when told.
 */
export function cachedUpstreams(store: UpstreamStore, feed: ChangeFeed): UpstreamStore & { changed(): Promise<void> } {
  // kept as JSON, so that each caller gets its own copy
  let cache: { json: string; until: number } | undefined;
  feed.on('upstream', () => (cache = undefined));
  const list = async (): Promise<Upstream[]> => {
    if (cache && cache.until > Date.now()) return JSON.parse(cache.json) as Upstream[];
    const upstreams = await store.list();
    cache = { json: JSON.stringify(upstreams), until: Date.now() + TTL_MS };
    return upstreams;
  };
  const changed = async () => {
    cache = undefined;
    await feed.publish('upstream', 'all');
  };
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
