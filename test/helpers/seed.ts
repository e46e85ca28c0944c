import type { Core } from '../../src/app.ts';
import { REDIRECT_URI } from './relying-party.ts';

export const ALICE = { email: 'alice@example.com', password: 'correct horse battery staple' };
export const WEB_APP = { id: 'web-app', secret: 'web-app-secret-0123456789' };

/** Alice, and a confidential web client allowed the authorization code and refresh token grants. */
export async function seedWebApp(core: Core): Promise<void> {
  await core.accounts.create({ ...ALICE, name: 'Alice Example', emailVerified: true });
  await core.clients.create({
    client_id: WEB_APP.id, client_secret: WEB_APP.secret, redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
  });
}
