import type { Redis } from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';

// Models issued under a grant; revoking the grant (RFC 9700 §4.14.2, refresh token reuse) removes them all.
const grantable = new Set([
  'AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest',
]);

/**
 * oidc-provider's short-lived models in Redis. Each one is a hash with its JSON payload and, once
 * used, a `consumed` timestamp set by one script (EXISTS then HSETNX), so consumption is atomic.
 * Secondary indexes (grant, session uid, user code) expire with what they point to.
 */
export function redisAdapter(redis: Redis, prefix: string, model: string): Adapter {
  const key = (id: string) => `${prefix}${model}:${id}`;
  const grantKey = (id: string) => `${prefix}grant:${id}`;
  const uidKey = (uid: string) => `${prefix}sessionUid:${uid}`;
  const userCodeKey = (code: string) => `${prefix}userCode:${code}`;

  const find = async (id: string): Promise<AdapterPayload | undefined> => {
    const [payload, consumed] = await redis.hmget(key(id), 'payload', 'consumed');
    if (!payload) return undefined;
    const parsed = JSON.parse(payload) as AdapterPayload;
    return consumed ? { ...parsed, consumed: Number(consumed) } : parsed;
  };
  const findVia = async (indexKey: string) => {
    const id = await redis.get(indexKey);
    return id ? find(id) : undefined;
  };

  return {
    async upsert(id, payload, expiresIn) {
      const write = redis.multi().del(key(id)).hset(key(id), 'payload', JSON.stringify(payload));
      if (expiresIn) write.expire(key(id), expiresIn);
      // a MULTI reports a failed command in its results, not by rejecting
      const failed = (await write.exec())?.find(([error]) => error)?.[0];
      if (failed) throw failed;
      const indexes: Promise<unknown>[] = [];
      const index = (k: string) => (expiresIn ? redis.set(k, id, 'EX', expiresIn) : redis.set(k, id));
      if (payload.uid) indexes.push(index(uidKey(payload.uid)));
      if (payload.userCode) indexes.push(index(userCodeKey(payload.userCode)));
      if (grantable.has(model) && payload.grantId) {
        const members = redis.multi().sadd(grantKey(payload.grantId), key(id));
        // the index lives as long as its longest-lived member
        if (expiresIn) members.expire(grantKey(payload.grantId), expiresIn, 'NX').expire(grantKey(payload.grantId), expiresIn, 'GT');
        else members.persist(grantKey(payload.grantId));
        indexes.push(members.exec());
      }
      await Promise.all(indexes);
    },
    find,
    findByUid: (uid) => findVia(uidKey(uid)),
    findByUserCode: (userCode) => findVia(userCodeKey(userCode)),
    async consume(id) {
      // HSETNX alone would create a hash without a TTL for a model that has just expired
      await redis.eval("return redis.call('EXISTS', KEYS[1]) == 1 and redis.call('HSETNX', KEYS[1], 'consumed', ARGV[1])", 1, key(id), Math.floor(Date.now() / 1000));
    },
    async destroy(id) {
      await redis.del(key(id));
    },
    async revokeByGrantId(grantId) {
      const members = await redis.smembers(grantKey(grantId));
      await Promise.all([...members, grantKey(grantId)].map((k) => redis.del(k)));
    },
  };
}
