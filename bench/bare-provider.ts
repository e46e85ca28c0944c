// A bare oidc-provider for comparison: in-memory adapter, the same keys and token format as
// the bench's Gatehouse (ES256 RFC 9068 JWTs for one resource). With WEB_CLIENT_ID, also the
// least a password sign-in needs: one login page whose form is checked with argon2id (the same
// parameters), consent granted with it, and nothing else (no lockout, risk, audit or MFA).
import fs from 'node:fs';
import http from 'node:http';
import argon2 from 'argon2';
import Provider from 'oidc-provider';
import { ARGON2_PARAMS } from '../src/accounts/password-hasher.ts';
import { providerJwks, parseKeys } from '../src/keys/signing-keys.ts';

const { PORT, KEYS_FILE, CLIENT_ID, CLIENT_SECRET, WEB_CLIENT_ID, WEB_CLIENT_SECRET, REDIRECT_URI, USER_EMAIL, USER_PASSWORD } = process.env;
const issuer = `http://127.0.0.1:${PORT}`;
const resource = `${issuer}/api`;
const web = WEB_CLIENT_ID ? [{ client_id: WEB_CLIENT_ID, client_secret: WEB_CLIENT_SECRET!, redirect_uris: [REDIRECT_URI!], grant_types: ['authorization_code'] }] : [];
const provider = new Provider(issuer, {
  jwks: providerJwks(parseKeys(fs.readFileSync(KEYS_FILE!, 'utf8'), KEYS_FILE!)) as never,
  clients: [{ client_id: CLIENT_ID!, client_secret: CLIENT_SECRET!, grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }, ...web],
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => resource,
      getResourceServerInfo: async () => ({ scope: 'api', audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 3600, jwt: { sign: { alg: 'ES256' } } }),
    },
  },
});

const hash = USER_PASSWORD ? await argon2.hash(USER_PASSWORD, ARGON2_PARAMS) : '';
const form = (uid: string) => `<!doctype html><form method="post" action="/interaction/${uid}/login">`
  + '<input type="hidden" name="csrf" value="-"><input name="email"><input type="password" name="password"><button>Sign in</button></form>';

async function interaction(req: http.IncomingMessage, res: http.ServerResponse, uid: string): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    res.setHeader('content-type', 'text/html').end(form(uid));
    return;
  }
  let body = '';
  for await (const chunk of req) body += chunk;
  const fields = new URLSearchParams(body);
  if (fields.get('email') !== USER_EMAIL || !(await argon2.verify(hash, fields.get('password') ?? ''))) {
    res.writeHead(400, { 'content-type': 'text/html' }).end(form(uid));
    return;
  }
  const grant = new provider.Grant({ accountId: USER_EMAIL, clientId: String(details.params.client_id) });
  grant.addOIDCScope(String(details.params.scope));
  await provider.interactionFinished(req, res, { login: { accountId: USER_EMAIL! }, consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
http.createServer((req, res) => {
  const uid = /^\/interaction\/([^/]+)(\/login)?$/.exec(req.url ?? '')?.[1];
  if (!uid) return void callback(req, res);
  interaction(req, res, uid).catch((error: unknown) => res.writeHead(400).end(String(error)));
}).listen(Number(PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
