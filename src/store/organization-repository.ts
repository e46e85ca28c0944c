import { MoreThan, type EntityManager } from 'typeorm';
import type { Membership, OrganizationStore } from '../organizations/organization.ts';
import { InvitationEntity, MembershipEntity, OrganizationEntity } from './entities/organization.ts';

export function organizationRepository(manager: EntityManager): OrganizationStore {
  const orgs = manager.getRepository(OrganizationEntity);
  const members = manager.getRepository(MembershipEntity);
  const invitations = manager.getRepository(InvitationEntity);
  return {
    findById: async (id) => (await orgs.findOneBy({ id })) ?? undefined,
    findBySlug: async (slug) => (await orgs.findOneBy({ slug })) ?? undefined,
    list: () => orgs.find({ order: { slug: 'ASC' } }),
    save: async (fields) => (await orgs.findOneByOrFail({ id: (await orgs.save(fields)).id })), // as stored, timestamps included
    delete: async (id) => ((await orgs.delete({ id })).affected ?? 0) > 0,
    membership: async (organizationId, accountId) => (await members.findOneBy({ organizationId, accountId })) ?? undefined,
    members: (organizationId) => members.find({ where: { organizationId }, order: { createdAt: 'ASC' } }),
    async membershipsOf(accountId) {
      const rows = await members.findBy({ accountId });
      if (!rows.length) return [];
      const found = await orgs.find({ where: rows.map((r) => ({ id: r.organizationId })), order: { name: 'ASC' } });
      return found.map((organization) => ({ organization, roles: rows.find((r) => r.organizationId === organization.id)!.roles }));
    },
    setMember: async (organizationId, accountId, roles) =>
      void (await members.upsert({ organizationId, accountId, roles }, ['organizationId', 'accountId'])),
    removeMember: async (organizationId, accountId) => ((await members.delete({ organizationId, accountId })).affected ?? 0) > 0,
    addInvitation: async (invitation) => void (await invitations.insert(invitation)),
    findInvitation: async (tokenHash) => (await invitations.findOneBy({ tokenHash, expiresAt: MoreThan(new Date()) })) ?? undefined,
    async acceptInvitation(tokenHash, email, accountId) {
      // one statement: the DELETE decides which caller gets the invitation (DESIGN §4.8)
      const rows = await manager.query(
        `WITH taken AS (DELETE FROM organization_invitations WHERE token_hash = $1 AND email = $2 AND expires_at > now() RETURNING organization_id, roles)
         INSERT INTO organization_members (organization_id, account_id, roles) SELECT organization_id, $3, roles FROM taken
         ON CONFLICT (organization_id, account_id) DO UPDATE
           SET roles = ARRAY(SELECT DISTINCT r FROM unnest(organization_members.roles || EXCLUDED.roles) AS r ORDER BY r)
         RETURNING organization_id, account_id, roles, created_at`,
        [tokenHash, email, accountId],
      ) as { organization_id: string; account_id: string; roles: string[]; created_at: Date }[];
      const row = rows[0];
      return row && ({ organizationId: row.organization_id, accountId: row.account_id, roles: row.roles, createdAt: row.created_at } satisfies Membership);
    },
  };
}
