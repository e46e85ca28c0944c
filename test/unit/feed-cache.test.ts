import type { ChangeFeed, Topic } from '../../src/store/change-feed.ts';
import { asJson, feedCache } from '../../src/store/feed-cache.ts';

/** A change feed within this process: what is published reaches every handler of the topic. */
function localFeed() {
  const handlers = new Map<Topic, ((id: string) => void)[]>();
  const published: [Topic, string][] = [];
  const feed: ChangeFeed = {
    publish: async (topic, id) => {
      published.push([topic, id]);
      for (const handler of handlers.get(topic) ?? []) handler(id);
    },
    on: (topic, handler) => void handlers.set(topic, [...(handlers.get(topic) ?? []), handler]),
    close: async () => {},
  };
  return { feed, published, tell: (topic: Topic, id: string) => handlers.get(topic)?.forEach((h) => h(id)) };
}

describe('feed-invalidated cache', () => {
  it('loads once, then hands each caller its own copy', async () => {
    const { feed } = localFeed();
    const cache = feedCache<{ n: number }, string>(feed, 'client', asJson);
    let loads = 0;
    const load = async () => ({ n: ++loads });
    const first = await cache.get('a', load);
    first!.n = 99;
    expect(await cache.get('a', load)).toEqual({ n: 1 });
    expect(loads).toBe(1);
  });

  it('drops a value when it changes here (and says so on the feed) or when the feed says it changed elsewhere', async () => {
    const { feed, published, tell } = localFeed();
    const cache = feedCache<{ n: number }, string>(feed, 'client', asJson);
    let loads = 0;
    const load = async () => ({ n: ++loads });
    await cache.get('a', load);
    await cache.changed('a');
    expect(published).toEqual([['client', 'a']]);
    expect(await cache.get('a', load)).toEqual({ n: 2 });
    tell('client', 'a');
    expect(await cache.get('a', load)).toEqual({ n: 3 });
    expect(await cache.get('a', load)).toEqual({ n: 3 });
  });

  it('does not keep a read that overlapped a change: it may predate it', async () => {
    const { feed, tell } = localFeed();
    const cache = feedCache<{ n: number }, string>(feed, 'api_key', asJson);
    let loads = 0;
    const stale = cache.get('k', async () => {
      tell('api_key', 'k'); // revoked elsewhere while this read was in flight
      return { n: ++loads };
    });
    expect(await stale).toEqual({ n: 1 });
    expect(await cache.get('k', async () => ({ n: ++loads }))).toEqual({ n: 2 });
  });

  it('keeps nothing for what does not exist', async () => {
    const { feed } = localFeed();
    const cache = feedCache<{ n: number }, string>(feed, 'client', asJson);
    let loads = 0;
    await cache.get('missing', async () => (loads++, undefined));
    await cache.get('missing', async () => (loads++, undefined));
    expect(loads).toBe(2);
  });
});
