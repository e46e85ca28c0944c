// Mirrors oidcc-config, and more: what discovery advertises is compared with what the server
// actually accepts, so it can advertise nothing that does not work.
import * as oidc from 'openid-client';
import { decodeProtectedHeader } from 'jose';
import { Browser } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover, REDIRECT_URI } from '../../helpers/relying-party.ts';
import { ALICE } from '../../helpers/seed.ts';

let gatehouse: TestGatehouse;
let metadata: Record<string, unknown>;
const list = (name: string) => metadata[name] as string[];

beforeAll(async () => {
  gatehouse = await startGatehouse({ env: { REGISTRATION: 'initial-access-token', TOKEN_EXCHANGE_POLICY: JSON.stringify([{ client: 'x', audiences: ['https://a.example'], scopes: ['a'] }]) } });
  await gatehouse.running.core.accounts.create({ ...ALICE, name: 'Alice Example', emailVerified: true, roles: ['admin'] });
  metadata = await (await fetch(`${gatehouse.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
});
afterAll(() => gatehouse.close());

const client = (id: string, extra: Record<string, unknown>) => gatehouse.running.core.clients.create({
  client_id: id, client_secret: `${id}-secret-0123456789abcdef`, redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code'],
  response_types: ['code'], first_party: true, ...extra,
});

describe('oidcc-config: discovery matches behaviour', () => {
  it('names this issuer and only endpoints that answer', async () => {
    expect(metadata.issuer).toBe(gatehouse.issuer);
    const endpoints = Object.entries(metadata).filter(([k, v]) => k.endsWith('_endpoint') || k === 'jwks_uri' ? typeof v === 'string' : false);
    expect(endpoints.length).toBeGreaterThanOrEqual(10);
    for (const [name, url] of endpoints) {
      expect({ name, under: String(url).startsWith(gatehouse.issuer) }).toEqual({ name, under: true });
      // the front-channel endpoints are GET (POST to them needs SameSite=None cookies, which Gatehouse does not set)
      const get = ['jwks_uri', 'authorization_endpoint', 'end_session_endpoint'].includes(name);
      const response = await fetch(String(url), { method: get ? 'GET' : 'POST', redirect: 'manual' });
      expect({ name, status: response.status }).not.toEqual({ name, status: 404 });
    }
  });

  it('every advertised client authentication method can be registered', async () => {
    for (const method of list('token_endpoint_auth_methods_supported')) {
      const extra: Record<string, unknown> = { token_endpoint_auth_method: method };
      if (method === 'none') delete extra.client_secret;
      if (method === 'private_key_jwt') extra.jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRjmkpTQKhGNbuC0Ob7Ej1XzgzBK7xE6zhJaNNk' }] };
      const created = gatehouse.running.core.clients.create({
        client_id: `auth-${method}`, redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code'], response_types: ['code'],
        ...(method === 'none' ? {} : { client_secret: `auth-${method}-secret-0123456789abcdef0123456789` }), ...extra,
      });
      await expect(created).resolves.toBeDefined();
    }
  });

  it('signs ID tokens with every advertised algorithm, and with no other', async () => {
    for (const alg of list('id_token_signing_alg_values_supported')) {
      await client(`alg-${alg}`, { id_token_signed_response_alg: alg });
      const rp = await discover(gatehouse.issuer, `alg-${alg}`, `alg-${alg}-secret-0123456789abcdef`);
      const { callback, verifier, nonce, state } = await authorize(rp, ALICE, { scope: 'openid' });
      const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
      expect(decodeProtectedHeader(tokens.id_token!).alg).toBe(alg);
    }
    await expect(client('alg-HS512', { id_token_signed_response_alg: 'HS512' })).rejects.toBeDefined();
  });

  it('accepts every advertised response mode and refuses others', async () => {
    await client('modes', {});
    const rp = await discover(gatehouse.issuer, 'modes', 'modes-secret-0123456789abcdef');
    const request = (mode: string) => new Browser().request(oidc.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT_URI, scope: 'openid', response_mode: mode, code_challenge: 'a'.repeat(43), code_challenge_method: 'S256',
    }).href);
    for (const mode of list('response_modes_supported')) {
      const page = await request(mode);
      expect({ mode, answer: page.headers.get('location') ?? '' }).toEqual({ mode, answer: expect.stringMatching(/^\/interaction\//) });
    }
    const unsupported = await request('web_message');
    expect(unsupported.headers.get('location') ?? unsupported.body).toMatch(/unsupported_response_mode|invalid_request/);
  });

  it('releases every advertised claim through the advertised scopes', async () => {
    await client('claims', {});
    const rp = await discover(gatehouse.issuer, 'claims', 'claims-secret-0123456789abcdef');
    const { callback, verifier, nonce, state } = await authorize(rp, ALICE, { scope: list('scopes_supported').filter((s) => s !== 'offline_access').join(' '), extra: { max_age: '300', acr_values: 'urn:gatehouse:acr:password' } });
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, maxAge: 300 });
    const userinfo = await oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub);
    const seen = new Set([...Object.keys(userinfo), ...Object.keys(tokens.claims()!)]);
    // sid comes in ID tokens of clients registered for back-channel logout (oidcc-backchannel-logout),
    // org_* in tokens issued for an organization (test/integration/organizations)
    for (const claim of list('claims_supported').filter((c) => c !== 'sid' && !c.startsWith('org_'))) expect({ claim, seen: seen.has(claim) }).toEqual({ claim, seen: true });
  });

  it('advertises each grant type that is offered', () => {
    expect(list('grant_types_supported').sort()).toEqual([
      'authorization_code', 'client_credentials', 'refresh_token',
      'urn:ietf:params:oauth:grant-type:device_code', 'urn:ietf:params:oauth:grant-type:token-exchange',
    ].sort());
    expect(list('response_types_supported')).toEqual(['code']);
    expect(list('code_challenge_methods_supported')).toEqual(['S256']);
  });
});
