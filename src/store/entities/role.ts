import { EntitySchema } from 'typeorm';
import type { Role } from '../../accounts/roles.ts';

/** Roles and their permissions. */
export const RoleEntity = new EntitySchema<Role>({
  name: 'Role',
  tableName: 'roles',
  columns: {
    name: { type: 'varchar', length: 100, primary: true },
    description: { type: 'varchar', length: 500, nullable: true },
    permissions: { type: 'text', array: true, default: () => "'{}'" },
  },
});
