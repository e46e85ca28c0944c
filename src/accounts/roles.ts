import type { Permission } from './role-permissions.ts';

/** A role and the permissions it grants (RBAC); accounts hold role names. */
export interface Role {
  name: string;
  description: string | null;
  /** Global, or for one audience (a resource server or a client): see role-permissions.ts. */
  permissions: Permission[];
}

/** What RBAC needs from storage; src/store implements it. */
export interface RoleStore {
  list(): Promise<Role[]>;
  find(name: string): Promise<Role | undefined>;
  save(role: Role): Promise<void>;
  /** Removes a role; accounts keep its name, which then grants nothing. */
  delete(name: string): Promise<boolean>;
  /** The union of the permissions these roles grant (unknown role names grant nothing). */
  permissionsOf(roles: string[]): Promise<Permission[]>;
}
