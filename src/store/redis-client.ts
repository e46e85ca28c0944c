import { Cluster, Redis } from 'ioredis';
import type { RedisTarget } from '../config/config.ts';

// Fail fast while Redis is away (503 at once rather than a queue of waiting requests), and
// reconnect by itself when it returns.
const FAIL_FAST = {
  lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 2000,
} as const;

/**
 * One client for any topology. Every MULTI Gatehouse sends touches a single key, so all of them
 * work on a Cluster, where a transaction must stay within one hash slot.
 */
export function createRedisClient(target: RedisTarget): Redis {
  switch (target.mode) {
    case 'single':
      return new Redis(target.url, FAIL_FAST);
    case 'sentinel':
      return new Redis({ ...FAIL_FAST, sentinels: target.sentinels, name: target.master, password: target.password });
    case 'cluster':
      // The Cluster client speaks the same commands; Gatehouse uses it through the Redis interface.
      return new Cluster(target.nodes, {
        lazyConnect: true, enableOfflineQueue: false, redisOptions: { ...FAIL_FAST, password: target.password },
      }) as unknown as Redis;
  }
}
