import { In, type EntityManager } from 'typeorm';
import type { RoleStore } from '../accounts/roles.ts';
import { RoleEntity } from './entities/role.ts';
import { normalizePermissions } from '../accounts/role-permissions.ts';

export function roleRepository(manager: EntityManager): RoleStore {
  const repo = manager.getRepository(RoleEntity);
  return {
    list: () => repo.find({ order: { name: 'ASC' } }),
    find: async (name) => (await repo.findOneBy({ name })) ?? undefined,
    save: async (role) => void (await repo.save(role)),
    delete: async (name) => ((await repo.delete({ name })).affected ?? 0) > 0,
    async permissionsOf(roles) {
      if (!roles.length) return [];
      const found = await repo.findBy({ name: In(roles) });
      return normalizePermissions(found.flatMap((r) => r.permissions));
    },
  };
}
