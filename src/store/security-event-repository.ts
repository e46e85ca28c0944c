import { In, MoreThanOrEqual, type EntityManager } from 'typeorm';
import type { SecurityEventStore } from '../accounts/security-events.ts';
import { SecurityEventEntity } from './entities/security-event.ts';

export function securityEventRepository(manager: EntityManager): SecurityEventStore {
  const repo = manager.getRepository(SecurityEventEntity);
  return {
    record: async (event) => void (await repo.insert(event as never)),
    recent: (accountId, limit, kinds, since) => repo.find({
      where: { accountId, ...(kinds ? { kind: In(kinds) } : {}), ...(since ? { createdAt: MoreThanOrEqual(since) } : {}) },
      order: { createdAt: 'DESC' }, take: limit,
    }),
    // columns only, no detail: a sign-in's detail carries its whole risk breakdown
    signInOrigins: (accountId, limit, since) => repo.find({
      select: { ip: true, userAgent: true, deviceId: true, createdAt: true },
      where: { accountId, kind: 'sign_in', createdAt: MoreThanOrEqual(since) }, order: { createdAt: 'DESC' }, take: limit,
    }),
    async failuresSince(since, accountId, ip) {
      const [row] = await manager.query(
        `SELECT count(*) FILTER (WHERE account_id = $2) AS account, count(*) FILTER (WHERE ip = $3) AS ip
           FROM security_events WHERE kind = 'sign_in_failed' AND created_at >= $1 AND (account_id = $2 OR ip = $3)`,
        [since, accountId, ip],
      ) as { account: string; ip: string }[];
      return { account: Number(row?.account ?? 0), ip: Number(row?.ip ?? 0) };
    },
  };
}
