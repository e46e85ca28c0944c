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
    count: ({ kind, since, accountId, ip }) => repo.countBy({
      kind, createdAt: MoreThanOrEqual(since), ...(accountId ? { accountId } : {}), ...(ip ? { ip } : {}),
    }),
  };
}
