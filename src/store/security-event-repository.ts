import { In, type EntityManager } from 'typeorm';
import type { SecurityEventStore } from '../accounts/security-events.ts';
import { SecurityEventEntity } from './entities/security-event.ts';

export function securityEventRepository(manager: EntityManager): SecurityEventStore {
  const repo = manager.getRepository(SecurityEventEntity);
  return {
    record: async (event) => void (await repo.insert(event as never)),
    recent: (accountId, limit, kinds) =>
      repo.find({ where: { accountId, ...(kinds ? { kind: In(kinds) } : {}) }, order: { createdAt: 'DESC' }, take: limit }),
  };
}
