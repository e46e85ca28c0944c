import { MoreThan, type EntityManager } from 'typeorm';
import type { ParticipantStore } from '../saml/participants.ts';
import { SamlParticipantEntity } from './entities/saml-participant.ts';

export function samlParticipantRepository(manager: EntityManager): ParticipantStore {
  const repo = manager.getRepository(SamlParticipantEntity);
  return {
    add: async (participant) => void (await repo.upsert(participant, ['sessionUid', 'entityId'])),
    forSession: (sessionUid) => repo.find({ where: { sessionUid, expiresAt: MoreThan(new Date()) }, order: { entityId: 'ASC' } }),
    find: (entityId, nameId, sessionIndex) => repo.find({
      where: { entityId, nameId, expiresAt: MoreThan(new Date()), ...(sessionIndex ? { sessionUid: sessionIndex } : {}) },
    }),
    removeSession: async (sessionUid) => void (await repo.delete({ sessionUid })),
  };
}
