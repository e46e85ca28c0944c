import type { ChangeFeed, Topic } from './change-feed.ts';

// A safety net only: changes reach every process through the change feed at once.
const TTL_MS = 5 * 60_000;

/**
 * Values read from the database kept in memory, so hot paths (every token request, every login
 * page) cost no round trip. `changed` drops this process's copy and tells every other process
 * through the change feed, which drops theirs. Each caller gets its own copy (`copy` of what
 * `keep` stored). A read that overlapped a change is not kept: it may predate the change.
 */
export function feedCache<T, Kept>(feed: ChangeFeed, topic: Topic, { keep, copy }: { keep: (value: T) => Kept; copy: (kept: Kept) => T }) {
  const entries = new Map<string, { kept: Kept; until: number }>();
  let changes = 0;
  const forget = (key: string) => {
    changes++;
    entries.delete(key);
  };
  feed.on(topic, forget);
  return {
    async get(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
      const hit = entries.get(key);
      if (hit && hit.until > Date.now()) return copy(hit.kept);
      const before = changes;
      const value = await load();
      if (value !== undefined && changes === before) entries.set(key, { kept: keep(value), until: Date.now() + TTL_MS });
      return value;
    },
    async changed(key: string): Promise<void> {
      forget(key);
      await feed.publish(topic, key);
    },
  };
}

/** Kept as JSON: parsing is the cheapest way to hand each caller a copy of plain data. */
export const asJson = { keep: (value: unknown) => JSON.stringify(value), copy: (json: string) => JSON.parse(json) as never };
