import { EntitySchema } from 'typeorm';
import type { Role } from '../../accounts/roles.ts';
import { decodePermission, encodePermission, type Permission } from '../../accounts/role-permissions.ts';

/** Roles and their permissions. */
export const RoleEntity = new EntitySchema<Role>({
  name: 'Role',
  tableName: 'roles',
  columns: {
    name: { type: 'varchar', length: 100, primary: true },
    description: { type: 'varchar', length: 500, nullable: true },
    permissions: {
      type: 'text', array: true, default: () => "'{}'",
      transformer: { to: (p?: Permission[]) => p?.map(encodePermission), from: (stored: string[]) => stored.map(decodePermission) },
    },
  },
});
