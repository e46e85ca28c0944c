// RFC 8707 resource indicators with resource servers from configuration: audience, scopes,
// token format and lifetime per resource.
import * as oidc from 'openid-client';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { ConfigError, loadConfig } from '../../../src/config/load.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover } from '../../helpers/relying-party.ts';
import { ALICE, seedWebApp, WEB_APP } from '../../helpers/seed.ts';

const ORDERS = 'https://orders.example.com';
const LEDGER = 'https://ledger.example.com';
let gatehouse: TestGatehouse;
let job: oidc.Configuration;

beforeAll(async () => {
  gatehouse = await startGatehouse({ env: { RESOURCE_SERVERS: JSON.stringify([
    { identifier: ORDERS, scopes: 'orders:read orders:write', format: 'jwt', ttl: 300, alg: 'ES256' },
    { identifier: LEDGER, scopes: 'ledger:read', format: 'opaque', ttl: 120 },
  ]) } });
  await seedWebApp(gatehouse.running.core);
  await gatehouse.running.core.clients.create({
    client_id: 'job', client_secret: 'job-secret-0123456789abcdefgh', grant_types: ['client_credentials'], response_types: [], redirect_uris: [],
  });
  job = await discover(gatehouse.issuer, 'job', 'job-secret-0123456789abcdefgh');
});
afterAll(() => gatehouse.close());

describe('resource servers from configuration', () => {
  it('issues a JWT for a JWT resource, with its audience, scopes, algorithm and lifetime', async () => {
    const { access_token, expires_in } = await oidc.clientCredentialsGrant(job, { resource: ORDERS, scope: 'orders:read' });
    expect(expires_in).toBe(300);
    expect(decodeProtectedHeader(access_token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    const { payload } = await jwtVerify(access_token, createRemoteJWKSet(new URL(`${gatehouse.issuer}/jwks`)), { audience: ORDERS, issuer: gatehouse.issuer });
    expect(payload).toMatchObject({ scope: 'orders:read', client_id: 'job' });
    expect(payload.exp! - payload.iat!).toBe(300);
  });

  it('issues an opaque token for an opaque resource, which introspects with its audience', async () => {
    const { access_token, expires_in } = await oidc.clientCredentialsGrant(job, { resource: LEDGER, scope: 'ledger:read' });
    expect(access_token.split('.')).toHaveLength(1);
    expect(expires_in).toBe(120);
    expect(await oidc.tokenIntrospection(job, access_token)).toMatchObject({ active: true, aud: LEDGER, scope: 'ledger:read' });
  });

  it('refuses a scope the resource does not have, and a resource it does not know', async () => {
    const token = await oidc.clientCredentialsGrant(job, { resource: LEDGER, scope: 'orders:write' });
    expect(token.scope ?? '').not.toContain('orders:write');
    await expect(oidc.clientCredentialsGrant(job, { resource: 'https://unknown.example.com', scope: 'api' })).rejects.toMatchObject({ error: 'invalid_target' });
  });

  it('gives a signed-in user\'s client a token for the resource it asked for (authorization code)', async () => {
    const rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
    const { callback, verifier, nonce, state } = await authorize(rp, ALICE, { scope: 'openid orders:read', extra: { resource: ORDERS } });
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state }, { resource: ORDERS });
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${gatehouse.issuer}/jwks`)), { audience: ORDERS });
    expect(payload).toMatchObject({ scope: 'orders:read', sub: tokens.claims()!.sub });
  });

  it('rejects malformed resource server settings, naming the entry', () => {
    const attempt = () => loadConfig({ RESOURCE_SERVERS: JSON.stringify([{ identifier: 'https://a.example#x', scopes: 'a', format: 'paper' }]) });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        expect.stringMatching(/^RESOURCE_SERVERS\.0\.identifier: must not contain a fragment/),
        expect.stringMatching(/^RESOURCE_SERVERS\.0\.format: /),
      ]);
    }
    expect(() => loadConfig({ RESOURCE_SERVERS: 'not json' })).toThrow(/RESOURCE_SERVERS: must be JSON/);
  });
});
