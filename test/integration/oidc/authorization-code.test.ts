import * as oidc from 'openid-client';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { startGatehouse, STORAGE_KINDS, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover } from '../../helpers/relying-party.ts';
import { ALICE as alice, seedWebApp, WEB_APP } from '../../helpers/seed.ts';

describe.each(STORAGE_KINDS)('authorization code + PKCE (%s)', (storage) => {
  let gatehouse: TestGatehouse;
  let rp: oidc.Configuration;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ storage });
    await seedWebApp(gatehouse.running.core);
    rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
  });
  afterAll(() => gatehouse.close());

  it('signs in through the login form and returns verified tokens, userinfo and rotating refresh tokens', async () => {
    const { callback, verifier, nonce, state } = await authorize(rp, alice);
    expect(callback.searchParams.get('iss')).toBe(gatehouse.issuer); // RFC 9207

    const tokens = await oidc.authorizationCodeGrant(rp, callback, {
      pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state,
    });
    // openid-client checked iss, aud, nonce, exp; check the signature against the JWKS too.
    const jwks = createRemoteJWKSet(new URL(`${gatehouse.issuer}/jwks`));
    const { payload } = await jwtVerify(tokens.id_token!, jwks, { issuer: gatehouse.issuer, audience: 'web-app' });
    expect(payload.nonce).toBe(nonce);
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe('RS256');

    const claims = tokens.claims()!;
    const userinfo = await oidc.fetchUserInfo(rp, tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({ sub: claims.sub, email: alice.email, email_verified: true, name: 'Alice Example' });

    const first = tokens.refresh_token!;
    const rotated = await oidc.refreshTokenGrant(rp, first);
    expect(rotated.refresh_token).toBeDefined();
    expect(rotated.refresh_token).not.toBe(first);

    // RFC 9700 §4.14.2: reusing a rotated refresh token fails and revokes the whole grant.
    await expect(oidc.refreshTokenGrant(rp, first)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.refreshTokenGrant(rp, rotated.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
