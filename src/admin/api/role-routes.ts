import { z } from 'zod';
import { roleSchema } from '../../import/import-schema.ts';
import type { ManagedRoles } from '../manage-roles.ts';
import { route, SOME_CHANGE, someChange } from './route-spec.ts';
import { pageOf, pageQuery, roleView } from './schemas.ts';

const tag = 'Roles';
const byName = z.strictObject({ name: z.string().min(1).max(100) });

export const roleRoutes = (roles: ManagedRoles) => [
  route({
    method: 'get', path: '/roles', summary: 'List roles and their permissions', tag, scope: 'admin:read', query: z.strictObject(pageQuery),
    response: { status: 200, schema: pageOf(roleView), description: 'A page of roles.' },
    handle: async ({ query }) => ({ body: await roles.page(query) }),
  }),
  route({
    method: 'post', path: '/roles', summary: 'Create a role', tag, scope: 'admin:write', body: roleSchema,
    response: { status: 201, schema: roleView, description: 'The role created.' },
    handle: async ({ body, caller }) => {
      const role = await roles.create(caller.actor, { ...body, description: body.description ?? null });
      return { body: role, version: role, location: `/roles/${encodeURIComponent(role.name)}` };
    },
  }),
  route({
    method: 'get', path: '/roles/{name}', summary: 'Read a role', tag, scope: 'admin:read', params: byName,
    response: { status: 200, schema: roleView, description: 'The role, with its ETag.' },
    handle: async ({ params }) => {
      const role = await roles.get(params.name);
      return { body: role, version: role };
    },
  }),
  route({
    method: 'patch', path: '/roles/{name}', summary: "Change a role's description or permissions", tag, scope: 'admin:write', params: byName, ifMatch: 'required',
    body: z.strictObject({ description: z.string().max(500).nullable(), permissions: roleSchema.shape.permissions.unwrap() }).partial()
      .refine(someChange, SOME_CHANGE),
    response: { status: 200, schema: roleView, description: 'The role as changed, with its new ETag.' },
    handle: async ({ params, body, caller, ifMatch }) => {
      const role = await roles.update(caller.actor, params.name, body, ifMatch);
      return { body: role, version: role };
    },
  }),
  route({
    method: 'delete', path: '/roles/{name}', summary: 'Delete a role (accounts keep the name, which then grants nothing)', tag, scope: 'admin:write', params: byName, ifMatch: 'optional',
    response: { status: 204, description: 'The role is gone.' },
    handle: async ({ params, caller, ifMatch }) => {
      await roles.delete(caller.actor, params.name, ifMatch);
      return {};
    },
  }),
];
