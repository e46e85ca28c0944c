import { AppError } from '../app-error.ts';
import type { Role, RoleStore } from '../accounts/roles.ts';
import type { Actor } from '../audit/changes.ts';
import type { Repositories, Store } from '../store/open-store.ts';
import { checkIfMatch } from './etag.ts';
import { pageOf, type Page, type PageRequest } from './paging.ts';

interface Deps {
  roles: RoleStore;
  transaction: Store['transaction'];
}

/** What operators do to roles and their permissions, from the CLI, the admin API and the admin UI alike. */
export function manageRoles({ roles, transaction }: Deps) {
  const found = async (store: RoleStore, name: string) => {
    const role = await store.find(name);
    if (!role) throw new AppError('role_not_found', 404, `no role named ${name}`);
    return role;
  };

  /** Runs a change holding the role's lock; the audit entry lands with it. */
  const change = <T>(name: string, fn: (tx: Repositories) => Promise<T>) => transaction(async (tx) => {
    await tx.lock(`role:${name}`);
    return fn(tx);
  });

  return {
    page: async (request: PageRequest): Promise<Page<Role>> => pageOf(await roles.list(), (r) => r.name, request),
    get: (name: string) => found(roles, name),

    create: (actor: Actor, role: Role): Promise<Role> => change(role.name, async (tx) => {
      if (await tx.roles.find(role.name)) throw new AppError('role_exists', 409, `a role named ${role.name} exists already`);
      await tx.roles.save(role);
      await tx.record(actor, 'role.create', { type: 'role', id: role.name }, undefined, role);
      return role;
    }),

    update: (actor: Actor, name: string, changes: Partial<Omit<Role, 'name'>>, ifMatch?: string): Promise<Role> => change(name, async (tx) => {
      const before = await found(tx.roles, name);
      checkIfMatch(ifMatch, before);
      const after = { ...before, ...changes, name };
      await tx.roles.save(after);
      await tx.record(actor, 'role.update', { type: 'role', id: name }, before, after);
      return after;
    }),

    delete: (actor: Actor, name: string, ifMatch?: string): Promise<void> => change(name, async (tx) => {
      const before = await found(tx.roles, name);
      checkIfMatch(ifMatch, before);
      await tx.roles.delete(name);
      await tx.record(actor, 'role.delete', { type: 'role', id: name }, before, undefined);
    }),
  };
}

export type ManagedRoles = ReturnType<typeof manageRoles>;
