// The FAPI 2.0 Security Profile as a per-client switch: the normal path with PAR, private_key_jwt
// and DPoP, and the negative tests of the fapi2-security-profile plan that apply.
import * as oidc from 'openid-client';
import { exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { Browser, formAction, hiddenField } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { discover, REDIRECT_URI, submitLogin } from '../../helpers/relying-party.ts';
import { ALICE } from '../../helpers/seed.ts';

let gatehouse: TestGatehouse;
let clientKey: CryptoKey;
let metadata: Record<string, unknown>;
const atCallback = (l: string) => l.startsWith(REDIRECT_URI);

beforeAll(async () => {
  gatehouse = await startGatehouse();
  const keys = await generateKeyPair('ES256', { extractable: true });
  clientKey = keys.privateKey;
  metadata = {
    client_id: 'bank-app', fapi_profile: '2.0', token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256',
    require_pushed_authorization_requests: true, dpop_bound_access_tokens: true, redirect_uris: [REDIRECT_URI], first_party: true,
    grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
    jwks: { keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'bank-1', use: 'sig', alg: 'ES256' }] },
  };
  await gatehouse.running.core.accounts.create({ ...ALICE, emailVerified: true });
  await gatehouse.running.core.clients.create(metadata);
});
afterAll(() => gatehouse.close());

const bankApp = () => discover(gatehouse.issuer, 'bank-app', undefined, oidc.PrivateKeyJwt({ key: clientKey, kid: 'bank-1' }));

describe('fapi2-security-profile', () => {
  it('fapi2-security-profile-final-happy-flow: PAR, private_key_jwt and DPoP-bound tokens that do not rotate', async () => {
    const rp = await bankApp();
    const DPoP = oidc.getDPoPHandle(rp, await generateKeyPair('ES256', { extractable: true }));
    const verifier = oidc.randomPKCECodeVerifier();
    const url = await oidc.buildAuthorizationUrlWithPAR(rp, {
      redirect_uri: REDIRECT_URI, scope: 'openid offline_access', prompt: 'consent', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    }, { DPoP });
    const browser = new Browser();
    const login = await submitLogin(browser, await browser.follow(url.href, atCallback), ALICE, atCallback);
    // prompt=consent (for offline_access) shows the consent page even to a first-party client
    const done = await browser.follow(formAction(login.body, login.url), atCallback, { form: { csrf: hiddenField(login.body, 'csrf') } });
    const callback = new URL(done.url);
    expect(callback.searchParams.get('iss')).toBe(gatehouse.issuer);
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier }, undefined, { DPoP });
    expect(tokens.token_type.toLowerCase()).toBe('dpop');
    const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token!, undefined, { DPoP });
    expect(refreshed.refresh_token ?? tokens.refresh_token).toBe(tokens.refresh_token); // no rotation for FAPI 2.0
  });

  it('fapi2-security-profile-final-ensure-par-required: a plain authorization request is refused', async () => {
    const rp = await bankApp();
    const url = oidc.buildAuthorizationUrl(rp, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' });
    const page = await new Browser().follow(url.href, atCallback);
    expect(new URL(page.url).searchParams.get('error')).toBe('invalid_request');
  });

  it('fapi2-security-profile-final-ensure-dpop-proof-required: a token request without a proof is refused', async () => {
    const rp = await bankApp();
    const DPoP = oidc.getDPoPHandle(rp, await generateKeyPair('ES256', { extractable: true }));
    const verifier = oidc.randomPKCECodeVerifier();
    const url = await oidc.buildAuthorizationUrlWithPAR(rp, {
      redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    }, { DPoP });
    const browser = new Browser();
    const done = await submitLogin(browser, await browser.follow(url.href, atCallback), ALICE, atCallback);
    await expect(oidc.authorizationCodeGrant(rp, new URL(done.url), { pkceCodeVerifier: verifier })).rejects.toBeDefined();
  });

  it('fapi2-security-profile-final-ensure-without-pkce-fails and -plain-pkce-fails: the push is refused', async () => {
    const rp = await bankApp();
    await expect(oidc.buildAuthorizationUrlWithPAR(rp, { redirect_uri: REDIRECT_URI, scope: 'openid' }))
      .rejects.toMatchObject({ error: 'invalid_request' });
    await expect(oidc.buildAuthorizationUrlWithPAR(rp, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }))
      .rejects.toMatchObject({ error: 'invalid_request' });
  });

  it('fapi2-security-profile-final-ensure-client-assertion-with-wrong-aud-fails', async () => {
    const { SignJWT } = await import('jose');
    const assertion = await new SignJWT({ jti: crypto.randomUUID() }).setProtectedHeader({ alg: 'ES256', kid: 'bank-1' })
      .setIssuer('bank-app').setSubject('bank-app').setAudience(`${gatehouse.issuer}/token`).setIssuedAt().setExpirationTime('1m').sign(clientKey);
    const response = await fetch(`${gatehouse.issuer}/request`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: 'bank-app', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion,
        response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256',
      }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' }); // FAPI 2.0: aud must be the issuer itself
  });

  it('fapi2-security-profile-final-par-attempt-reuse-request_uri: a pushed request is used once', async () => {
    const rp = await bankApp();
    const url = await oidc.buildAuthorizationUrlWithPAR(rp, {
      redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256',
    });
    const browser = new Browser();
    await submitLogin(browser, await browser.follow(url.href, atCallback), ALICE, atCallback);
    const again = await new Browser().request(url.href);
    expect(again.status).toBe(400);
    expect(again.body).toContain('invalid_request_uri');
  });

  it('fapi2-security-profile-final-ensure-client-secret-auth-fails: a FAPI client cannot use a shared secret', async () => {
    await expect(gatehouse.running.core.clients.create({ ...metadata, client_id: 'weak-bank', token_endpoint_auth_method: 'client_secret_basic', client_secret: 'weak-bank-secret-0123456789ab' }))
      .rejects.toMatchObject({ message: expect.stringMatching(/private_key_jwt \(FAPI 2\.0/) });
    await expect(gatehouse.running.core.clients.create({ ...metadata, client_id: 'lax-bank', require_pushed_authorization_requests: false, dpop_bound_access_tokens: false }))
      .rejects.toMatchObject({ message: expect.stringMatching(/push their authorization requests.*sender-constrained/) });
  });
});
