// RFC 9449 DPoP: sender-constrained access and refresh tokens, nonces, and the refusals.
import * as oidc from 'openid-client';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover, REDIRECT_URI } from '../../helpers/relying-party.ts';
import { ALICE } from '../../helpers/seed.ts';

/** Gatehouse with Alice, a public client that must use DPoP and a machine client that may. */
async function gatehouseWithClients(env: Record<string, string> = {}): Promise<TestGatehouse> {
  const gatehouse = await startGatehouse({ env });
  const { core } = gatehouse.running;
  await core.accounts.create({ ...ALICE, emailVerified: true });
  await core.clients.create({
    client_id: 'spa', token_endpoint_auth_method: 'none', redirect_uris: [REDIRECT_URI], first_party: true,
    grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], dpop_bound_access_tokens: true,
  });
  await core.clients.create({ client_id: 'job', client_secret: 'job-secret-0123456789abcdefgh', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] });
  return gatehouse;
}

/** A DPoP proof for a request, made by hand, with an optional nonce. */
async function proof(htu: string, nonce?: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return new SignJWT({ htm: 'POST', htu, jti: crypto.randomUUID(), iat: Math.floor(Date.now() / 1000), ...(nonce ? { nonce } : {}) })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(publicKey) }).sign(privateKey);
}

const jobTokenRequest = (issuer: string, dpop: string) => fetch(`${issuer}/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('job:job-secret-0123456789abcdefgh').toString('base64')}`, DPoP: dpop },
  body: 'grant_type=client_credentials&scope=api',
});

/** Signs in through the SPA with a DPoP key; returns the tokens, the handle and the key's thumbprint. */
async function dpopSignIn(gatehouse: TestGatehouse) {
  const rp = await discover(gatehouse.issuer, 'spa');
  const keys = await generateKeyPair('ES256', { extractable: true });
  const DPoP = oidc.getDPoPHandle(rp, keys);
  const { callback, verifier, nonce, state } = await authorize(rp, ALICE, { scope: 'openid email offline_access' });
  const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state }, undefined, { DPoP });
  return { rp, DPoP, tokens, keys, jkt: await calculateJwkThumbprint(await exportJWK(keys.publicKey)) };
}

describe('DPoP (RFC 9449)', () => {
  let gatehouse: TestGatehouse;
  beforeAll(async () => {
    gatehouse = await gatehouseWithClients();
  });
  afterAll(() => gatehouse.close());

  it('advertises the proof algorithms', async () => {
    const config = await (await fetch(`${gatehouse.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    expect(config.dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256']));
  });

  it('binds access and refresh tokens to the client\'s key, and userinfo honours only that key', async () => {
    const { rp, DPoP, tokens, jkt } = await dpopSignIn(gatehouse);
    expect(tokens.token_type.toLowerCase()).toBe('dpop');
    expect(await oidc.tokenIntrospection(await discover(gatehouse.issuer, 'job', 'job-secret-0123456789abcdefgh'), tokens.access_token))
      .toMatchObject({ active: false }); // introspection is for the token's own client only
    const userinfo = await oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub, { DPoP });
    expect(userinfo.email).toBe(ALICE.email);

    // without a proof, or with a proof from another key, the token is worthless
    const bare = await fetch(`${gatehouse.issuer}/me`, { headers: { authorization: `DPoP ${tokens.access_token}` } });
    expect([400, 401]).toContain(bare.status);
    expect(bare.headers.get('www-authenticate')).toMatch(/^DPoP /);
    const thief = oidc.getDPoPHandle(rp, await generateKeyPair('ES256', { extractable: true }));
    await expect(oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub, { DPoP: thief })).rejects.toBeDefined();

    // the refresh token of a public client is bound too: a stolen one is useless elsewhere
    await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!, undefined, { DPoP: thief })).rejects.toMatchObject({ error: 'invalid_grant' });
    const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token!, undefined, { DPoP });
    expect(refreshed.token_type.toLowerCase()).toBe('dpop');
    expect(jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a client registered with dpop_bound_access_tokens that sends no proof', async () => {
    const rp = await discover(gatehouse.issuer, 'spa');
    const { callback, verifier, nonce, state } = await authorize(rp, ALICE, { scope: 'openid' });
    await expect(oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state }))
      .rejects.toMatchObject({ error: 'invalid_grant' }); // the same request with a proof succeeds (above)
  });

  it('refuses a proof made for another URL (htu) with invalid_dpop_proof', async () => {
    const response = await jobTokenRequest(gatehouse.issuer, await proof('https://elsewhere.example/token'));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_dpop_proof' });
  });
});

describe('DPOP_REQUIRE_NONCE=true', () => {
  it('asks for a nonce with use_dpop_nonce, then accepts the retried proof', async () => {
    const gatehouse = await gatehouseWithClients({ DPOP_REQUIRE_NONCE: 'true' });
    try {
      const refused = await jobTokenRequest(gatehouse.issuer, await proof(`${gatehouse.issuer}/token`));
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: 'use_dpop_nonce' });
      const nonce = refused.headers.get('dpop-nonce')!;
      expect(nonce).toBeTruthy();
      const accepted = await jobTokenRequest(gatehouse.issuer, await proof(`${gatehouse.issuer}/token`, nonce));
      expect(accepted.status).toBe(200);
      // openid-client follows the same dance by itself
      const rp = await discover(gatehouse.issuer, 'job', 'job-secret-0123456789abcdefgh');
      const DPoP = oidc.getDPoPHandle(rp, await generateKeyPair('ES256', { extractable: true }));
      expect((await oidc.clientCredentialsGrant(rp, { scope: 'api' }, { DPoP })).token_type.toLowerCase()).toBe('dpop');
    } finally {
      await gatehouse.close();
    }
  });
});
