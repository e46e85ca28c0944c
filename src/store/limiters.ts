import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LimiterFactory } from '../accounts/attempt-limiter.ts';

/** Limits shared by every node through Redis when there is one; otherwise kept in this process. */
export function limiterFactory(redis: Redis | undefined, prefix: string): LimiterFactory {
  return ({ name, points, durationSeconds }) => {
    const options = { keyPrefix: `${prefix}limit:${name}`, points, duration: durationSeconds };
    const limiter: RateLimiterAbstract = redis
      ? new RateLimiterRedis({ ...options, storeClient: redis })
      : new RateLimiterMemory(options);
    return {
      async hit(key) {
        try {
          await limiter.consume(key);
          return 0;
        } catch (rejection) {
          if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
          throw rejection;
        }
      },
      async blockedFor(key) {
        const state = await limiter.get(key);
        return state && state.consumedPoints > points ? Math.max(1, Math.ceil(state.msBeforeNext / 1000)) : 0;
      },
      async block(key, seconds) {
        await limiter.block(key, seconds);
      },
      async reset(key) {
        await limiter.delete(key);
      },
    };
  };
}
