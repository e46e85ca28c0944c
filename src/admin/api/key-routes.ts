import { z } from 'zod';
import type { ManagedKeys } from '../../keys/manage-keys.ts';
import { route } from './route-spec.ts';
import { keyView } from './schemas.ts';

const tag = 'Signing keys';

export const keyRoutes = (keys: ManagedKeys) => [
  route({
    method: 'get', path: '/signing-keys', summary: 'List the signing keys (public facts only)', tag, scope: 'admin:read',
    response: { status: 200, schema: z.object({ items: z.array(keyView) }), description: 'The keys: signing ones first.' },
    handle: async () => ({ body: { items: keys.list() } }),
  }),
  route({
    method: 'post', path: '/signing-keys/rotate', summary: 'Rotate: new keys sign from now on, the old stay published until their tokens expire', tag, scope: 'admin:write',
    response: { status: 200, schema: z.object({ items: z.array(keyView) }), description: 'The keys after the rotation.' },
    handle: async ({ caller }) => ({ body: { items: await keys.rotate(caller.actor) } }),
  }),
];
