import http from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from '../../src/store/free-port.ts';

export interface UpstreamPerson {
  sub: string;
  email: string;
  email_verified: boolean;
  name: string;
  groups: string[];
}

/**
 * A second oidc-provider in the test process: a corporate OpenID Provider whose sign-in page
 * signs in `person()` at once (or refuses, when `refuse` is set).
 */
export async function startUpstreamOp(clientRedirectUri: string, person: () => UpstreamPerson, options: { refuse?: () => boolean } = {}) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'gatehouse', client_secret: 'upstream-secret-0123456789abcdef', redirect_uris: [clientRedirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ ...person(), sub: id }) }),
    interactions: { url: (_ctx, interaction) => `/login/${interaction.uid}` },
    // everything asked for is granted: this upstream has no consent page
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
      grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(' '));
      await grant.save();
      return grant;
    },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: ['upstream-cookie-key-0123456789abcdef'] },
  });
  const app = provider.callback();
  const server = http.createServer(async (req, res) => {
    const match = req.url?.match(/^\/login\/([\w-]+)/);
    if (!match) return app(req, res);
    const result = options.refuse?.()
      ? { error: 'access_denied', error_description: 'the user said no' }
      : { login: { accountId: person().sub } };
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { issuer, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
