import { AppError } from '../app-error.ts';
import type { Role, RoleStore } from '../accounts/roles.ts';
import type { Actor, RecordChange } from '../audit/changes.ts';
import { checkIfMatch } from './etag.ts';
import { pageOf, type Page, type PageRequest } from './paging.ts';

interface Deps {
  roles: RoleStore;
  recordChange: RecordChange;
}

/** What operators do to roles and their permissions, from the CLI, the admin API and the admin UI alike. */
export function manageRoles({ roles, recordChange }: Deps) {
  const find = async (name: string) => (await roles.list()).find((r) => r.name === name);
  const found = async (name: string) => {
    const role = await find(name);
    if (!role) throw new AppError('role_not_found', 404, `no role named ${name}`);
    return role;
  };

  return {
    page: async (request: PageRequest): Promise<Page<Role>> => pageOf(await roles.list(), (r) => r.name, request),
    get: found,

    async create(actor: Actor, role: Role): Promise<Role> {
      if (await find(role.name)) throw new AppError('role_exists', 409, `a role named ${role.name} exists already`);
      await roles.save(role);
      await recordChange(actor, 'role.create', { type: 'role', id: role.name }, undefined, role);
      return role;
    },

    async update(actor: Actor, name: string, changes: Partial<Omit<Role, 'name'>>, ifMatch?: string): Promise<Role> {
      const before = await found(name);
      checkIfMatch(ifMatch, before);
      const after = { ...before, ...changes, name };
      await roles.save(after);
      await recordChange(actor, 'role.update', { type: 'role', id: name }, before, after);
      return after;
    },

    async delete(actor: Actor, name: string, ifMatch?: string): Promise<void> {
      const before = await found(name);
      checkIfMatch(ifMatch, before);
      await roles.delete(name);
      await recordChange(actor, 'role.delete', { type: 'role', id: name }, before, undefined);
    },
  };
}

export type ManagedRoles = ReturnType<typeof manageRoles>;
