import { z } from 'zod';
import { isEmailAddress } from '../../accounts/account.ts';
import type { ManagedAccounts } from '../manage-accounts.ts';
import { route, SOME_CHANGE, someChange } from './route-spec.ts';
import { accountView, pageOf, pageQuery, sessionView } from './schemas.ts';

const tag = 'Accounts';
const byId = z.strictObject({ id: z.uuid('must be an account id (a UUID)') });
const fields = {
  email: z.string().refine(isEmailAddress, 'must be an email address'),
  name: z.string().min(1).max(200).nullable(),
  email_verified: z.boolean(),
  roles: z.array(z.string().min(1).max(100)).max(100),
  disabled: z.boolean(),
  password: z.string().min(1).max(1000).describe('Set as the new password; checked by the password policy.'),
};

export const accountRoutes = (accounts: ManagedAccounts) => [
  route({
    method: 'get', path: '/accounts', summary: 'List accounts by email, optionally searching email and name', tag, scope: 'admin:read',
    query: z.strictObject({ ...pageQuery, search: z.string().min(1).max(200).optional().describe('Part of an email or name.') }),
    response: { status: 200, schema: pageOf(accountView), description: 'A page of accounts.' },
    handle: async ({ query }) => ({ body: await accounts.page(query) }),
  }),
  route({
    method: 'post', path: '/accounts', summary: 'Create an account', tag, scope: 'admin:write',
    body: z.strictObject(fields).partial().required({ email: true }),
    response: { status: 201, schema: accountView, description: 'The account created.' },
    handle: async ({ body, caller }) => {
      const created = await accounts.create(caller.actor, body);
      return { body: created, version: created, location: `/accounts/${created.id}` };
    },
  }),
  route({
    method: 'get', path: '/accounts/{id}', summary: 'Read an account', tag, scope: 'admin:read', params: byId,
    response: { status: 200, schema: accountView, description: 'The account, with its ETag.' },
    handle: async ({ params }) => {
      const account = await accounts.get(params.id);
      return { body: account, version: account };
    },
  }),
  route({
    method: 'patch', path: '/accounts/{id}', summary: 'Change an account', tag, scope: 'admin:write', params: byId, ifMatch: 'required',
    body: z.strictObject(fields).partial().refine(someChange, SOME_CHANGE),
    response: { status: 200, schema: accountView, description: 'The account as changed, with its new ETag.' },
    handle: async ({ params, body, caller, ifMatch }) => {
      const account = await accounts.update(caller.actor, params.id, body, ifMatch);
      return { body: account, version: account };
    },
  }),
  route({
    method: 'post', path: '/accounts/{id}/disable', summary: 'Disable an account and end its sessions', tag, scope: 'admin:write', params: byId, ifMatch: 'optional',
    response: { status: 200, schema: accountView, description: 'The disabled account.' },
    handle: async ({ params, caller, ifMatch }) => {
      const account = await accounts.disable(caller.actor, params.id, ifMatch);
      return { body: account, version: account };
    },
  }),
  route({
    method: 'post', path: '/accounts/{id}/reset-factors', summary: 'Remove every second factor and passkey of an account', tag, scope: 'admin:write', params: byId,
    response: { status: 200, schema: z.object({ removed: z.number().int() }), description: 'How many factors were removed.' },
    handle: async ({ params, caller }) => ({ body: { removed: await accounts.resetFactors(caller.actor, params.id) } }),
  }),
  route({
    method: 'get', path: '/accounts/{id}/sessions', summary: "List an account's live sessions", tag, scope: 'admin:read', params: byId,
    response: { status: 200, schema: z.object({ items: z.array(sessionView) }), description: 'The sessions, newest sign-in first.' },
    handle: async ({ params }) => ({ body: { items: await accounts.sessions(params.id) } }),
  }),
  route({
    method: 'delete', path: '/accounts/{id}/sessions', summary: "End every session of an account (and the grants they hold)", tag, scope: 'admin:write', params: byId,
    response: { status: 200, schema: z.object({ ended: z.number().int() }), description: 'How many sessions ended.' },
    handle: async ({ params, caller }) => ({ body: { ended: await accounts.endSessions(caller.actor, params.id, 'all') } }),
  }),
  route({
    method: 'delete', path: '/accounts/{id}/sessions/{session_id}', summary: 'End one session of an account', tag, scope: 'admin:write',
    params: z.strictObject({ id: byId.shape.id, session_id: z.string().min(1).max(200) }),
    response: { status: 204, description: 'The session ended.' },
    handle: async ({ params, caller }) => {
      await accounts.endSessions(caller.actor, params.id, { only: params.session_id });
      return {};
    },
  }),
];
