import { z } from 'zod';
import { isEmailAddress } from '../../accounts/account.ts';
import { organizationInput, orgRolesSchema, type Membership, type Organization } from '../../organizations/organization.ts';
import type { OrganizationService } from '../../organizations/organization-service.ts';
import { pageOf as pageOfItems } from '../paging.ts';
import { route, SOME_CHANGE, someChange } from './route-spec.ts';
import { pageOf, pageQuery } from './schemas.ts';

const tag = 'Organizations';
const byRef = z.strictObject({ ref: z.string().min(1).max(64).describe('The organization id or slug.') });
const email = z.string().refine(isEmailAddress, 'must be an email address');

const organizationView = (o: Organization) => ({
  id: o.id, slug: o.slug, name: o.name, logo_url: o.logoUrl, primary_color: o.primaryColor, background_color: o.backgroundColor,
  require_mfa: o.requireMfa, created_at: o.createdAt.toISOString(), updated_at: o.updatedAt.toISOString(),
});
const memberView = (m: Membership) => ({ account_id: m.accountId, roles: m.roles, created_at: m.createdAt.toISOString() });

const organizationSchema = z.object({
  id: z.uuid(), slug: z.string(), name: z.string(), logo_url: z.string().nullable(), primary_color: z.string().nullable(),
  background_color: z.string().nullable(), require_mfa: z.boolean(), created_at: z.string(), updated_at: z.string(),
});
const memberSchema = z.object({ account_id: z.uuid(), roles: z.array(z.string()), created_at: z.string() });

/** Organizations, their members and invitations; the ETag is over the organization as stored. */
export const organizationRoutes = (organizations: OrganizationService, production: boolean) => {
  const input = organizationInput(production);
  return [
    route({
      method: 'get', path: '/organizations', summary: 'List organizations by slug', tag, scope: 'admin:read', query: z.strictObject(pageQuery),
      response: { status: 200, schema: pageOf(organizationSchema), description: 'A page of organizations.' },
      handle: async ({ query }) => {
        const page = pageOfItems(await organizations.list(), (o) => o.slug, query);
        return { body: { items: page.items.map(organizationView), next_cursor: page.next_cursor } };
      },
    }),
    route({
      method: 'post', path: '/organizations', summary: 'Create an organization', tag, scope: 'admin:write', body: input,
      response: { status: 201, schema: organizationSchema, description: 'The organization created.' },
      handle: async ({ body, caller }) => {
        const org = await organizations.create(caller.actor, body);
        return { body: organizationView(org), version: org, location: `/organizations/${org.id}` };
      },
    }),
    route({
      method: 'get', path: '/organizations/{ref}', summary: 'Read an organization', tag, scope: 'admin:read', params: byRef,
      response: { status: 200, schema: organizationSchema, description: 'The organization, with its ETag.' },
      handle: async ({ params }) => {
        const org = await organizations.get(params.ref);
        return { body: organizationView(org), version: org };
      },
    }),
    route({
      method: 'patch', path: '/organizations/{ref}', summary: "Change an organization's name, slug, branding or policy", tag, scope: 'admin:write',
      params: byRef, ifMatch: 'required', body: input.partial().refine(someChange, SOME_CHANGE),
      response: { status: 200, schema: organizationSchema, description: 'The organization as changed, with its new ETag.' },
      handle: async ({ params, body, caller, ifMatch }) => {
        const org = await organizations.update(caller.actor, params.ref, body, ifMatch);
        return { body: organizationView(org), version: org };
      },
    }),
    route({
      method: 'delete', path: '/organizations/{ref}', summary: 'Delete an organization with its memberships and invitations', tag, scope: 'admin:write',
      params: byRef, ifMatch: 'optional', response: { status: 204, description: 'The organization is gone.' },
      handle: async ({ params, caller, ifMatch }) => {
        await organizations.delete(caller.actor, params.ref, ifMatch);
        return {};
      },
    }),
    route({
      method: 'get', path: '/organizations/{ref}/members', summary: "List an organization's members and their organization roles", tag, scope: 'admin:read', params: byRef,
      response: { status: 200, schema: z.object({ items: z.array(memberSchema) }), description: 'The members.' },
      handle: async ({ params }) => ({ body: { items: (await organizations.members(params.ref)).map(memberView) } }),
    }),
    route({
      method: 'put', path: '/organizations/{ref}/members', summary: 'Add a member by email, or set the organization roles of one', tag, scope: 'admin:write',
      params: byRef, body: z.strictObject({ email, roles: orgRolesSchema.default([]) }),
      response: { status: 200, schema: memberSchema, description: 'The membership.' },
      handle: async ({ params, body, caller }) => ({ body: memberView(await organizations.setMember(caller.actor, params.ref, body.email, body.roles)) }),
    }),
    route({
      method: 'delete', path: '/organizations/{ref}/members/{email}', summary: 'Remove a member', tag, scope: 'admin:write',
      params: byRef.extend({ email }), response: { status: 204, description: 'The membership is gone.' },
      handle: async ({ params, caller }) => {
        await organizations.removeMember(caller.actor, params.ref, params.email);
        return {};
      },
    }),
    route({
      method: 'post', path: '/organizations/{ref}/invitations', summary: 'Mail an invitation to join, with organization roles', tag, scope: 'admin:write',
      params: byRef, body: z.strictObject({ email, roles: orgRolesSchema.default([]) }),
      response: { status: 202, schema: z.object({ expires_at: z.string() }), description: 'The invitation was mailed.' },
      handle: async ({ params, body, caller }) => ({ body: { expires_at: (await organizations.invite(caller.actor, params.ref, body.email, body.roles)).expiresAt.toISOString() } }),
    }),
  ];
};
