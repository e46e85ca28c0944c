import type { EntityManager } from 'typeorm';
import type { Upstream, UpstreamStore } from '../federation/upstream.ts';
import { FederatedIdentityEntity, UpstreamEntity, type UpstreamRow } from './entities/upstream.ts';

const toUpstream = (row: UpstreamRow) => ({ ...row.config, id: row.id, kind: row.kind }) as Upstream;

export function upstreamRepository(manager: EntityManager): UpstreamStore {
  const upstreams = manager.getRepository(UpstreamEntity);
  const identities = manager.getRepository(FederatedIdentityEntity);
  return {
    find: async (id) => {
      const row = await upstreams.findOneBy({ id });
      return row ? toUpstream(row) : undefined;
    },
    list: async () => (await upstreams.find({ order: { id: 'ASC' } })).map(toUpstream),
    save: async ({ id, kind, ...config }) => void (await upstreams.save({ id, kind, config })),
    delete: async (id) => ((await upstreams.delete({ id })).affected ?? 0) > 0,
    linkedAccount: async (upstreamId, subject) => (await identities.findOneBy({ upstreamId, subject }))?.accountId,
    link: async (upstreamId, subject, accountId) => void (await identities.upsert({ upstreamId, subject, accountId }, ['upstreamId', 'subject'])),
  };
}
