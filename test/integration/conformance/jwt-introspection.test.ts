// RFC 9701: introspection answered as a signed JWT for a resource server that asks for it.
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover } from '../../helpers/relying-party.ts';
import { ALICE, seedWebApp, WEB_APP } from '../../helpers/seed.ts';

let gatehouse: TestGatehouse;

beforeAll(async () => {
  gatehouse = await startGatehouse();
  await seedWebApp(gatehouse.running.core);
  await gatehouse.running.core.clients.create({
    client_id: WEB_APP.id + '-jwt', client_secret: 'web-app-jwt-secret-0123456789abc', redirect_uris: ['http://127.0.0.1:9/callback'],
    grant_types: ['authorization_code'], response_types: ['code'], introspection_signed_response_alg: 'ES256', first_party: true,
  });
});
afterAll(() => gatehouse.close());

describe('JWT introspection responses (RFC 9701)', () => {
  it('advertises the signing algorithms', async () => {
    const config = await (await fetch(`${gatehouse.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    expect(config.introspection_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256', 'RS256']));
  });

  it('answers application/token-introspection+jwt, signed, with the introspection result inside', async () => {
    const rp = await discover(gatehouse.issuer, `${WEB_APP.id}-jwt`, 'web-app-jwt-secret-0123456789abc');
    const { callback, verifier, nonce, state } = await authorize(rp, ALICE, { scope: 'openid' });
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
    const response = await fetch(`${gatehouse.issuer}/token/introspection`, {
      method: 'POST',
      headers: {
        accept: 'application/token-introspection+jwt', 'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${WEB_APP.id}-jwt:web-app-jwt-secret-0123456789abc`).toString('base64')}`,
      },
      body: new URLSearchParams({ token: tokens.access_token }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/token-introspection\+jwt/);
    const { payload, protectedHeader } = await jwtVerify(await response.text(), createRemoteJWKSet(new URL(`${gatehouse.issuer}/jwks`)), {
      issuer: gatehouse.issuer, audience: `${WEB_APP.id}-jwt`, typ: 'token-introspection+jwt',
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload.token_introspection).toMatchObject({ active: true, client_id: `${WEB_APP.id}-jwt`, sub: tokens.claims()!.sub });
  });
});
