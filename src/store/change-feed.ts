import pg from 'pg';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';

export type Topic = 'client' | 'keys' | 'api_key' | 'upstream';
type Handler = (id: string) => void;

/**
 * Tells every Gatehouse process (servers and CLI runs alike) that something cached has changed:
 * Redis pub/sub when Redis is configured, else PostgreSQL LISTEN/NOTIFY.
 */
export interface ChangeFeed {
  publish(topic: Topic, id: string): Promise<void>;
  on(topic: Topic, handler: Handler): void;
  close(): Promise<void>;
}

const CHANNEL = 'gatehouse_changes';

export async function createChangeFeed(options: { redis?: Redis; prefix: string; dataSource: DataSource; databaseUrl: string }): Promise<ChangeFeed> {
  const handlers = new Map<Topic, Handler[]>();
  const dispatch = (message: string) => {
    try {
      const { topic, id } = JSON.parse(message) as { topic: Topic; id: string };
      for (const handler of handlers.get(topic) ?? []) handler(id);
    } catch {
      // not one of ours
    }
  };
  const on = (topic: Topic, handler: Handler) => void handlers.set(topic, [...(handlers.get(topic) ?? []), handler]);

  if (options.redis) {
    const channel = `${options.prefix}${CHANNEL}`;
    const subscriber = options.redis.duplicate();
    subscriber.on('message', (_channel: string, message: string) => dispatch(message));
    subscriber.on('error', () => {}); // reconnects by itself; readiness reports the outage
    await subscriber.connect();
    await subscriber.subscribe(channel);
    return {
      publish: async (topic, id) => void (await options.redis!.publish(channel, JSON.stringify({ topic, id }))),
      on,
      close: async () => subscriber.disconnect(),
    };
  }

  const listener = await postgresListener(options.databaseUrl, dispatch);
  return {
    publish: async (topic, id) => void (await options.dataSource.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ topic, id })])),
    on,
    close: () => listener.close(),
  };
}

/** A dedicated connection LISTENing for changes, re-established when it drops, until closed. */
async function postgresListener(url: string, dispatch: (message: string) => void): Promise<{ close(): Promise<void> }> {
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  // one attempt a second while the database is away, whether the connection ended or never came up
  const reconnect = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch(reconnect);
    }, 1000).unref();
  };
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (n) => n.payload && dispatch(n.payload));
    next.on('error', () => {});
    next.on('end', reconnect);
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      await next.end().catch(() => {});
      throw error;
    }
    client = next;
    if (closed) await next.end(); // closed while this attempt was under way
  };
  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}
