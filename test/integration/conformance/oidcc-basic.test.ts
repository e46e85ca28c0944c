// Mirrors modules of the OpenID Foundation's oidcc-basic test plan: each test is named after the
// module it follows, driven over HTTP by openid-client as the relying party.
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { Browser } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover, REDIRECT_URI, submitLogin } from '../../helpers/relying-party.ts';
import { ALICE, seedWebApp, WEB_APP } from '../../helpers/seed.ts';

let gatehouse: TestGatehouse;
let rp: oidc.Configuration;
const RP = { id: 'conformance-rp', secret: 'conformance-rp-secret-0123456789' };
const verifier = oidc.randomPKCECodeVerifier();
const pkce = { code_challenge: '', code_challenge_method: 'S256' };

beforeAll(async () => {
  gatehouse = await startGatehouse();
  await seedWebApp(gatehouse.running.core);
  // first party, so consent does not stand between the steps these modules look at
  await gatehouse.running.core.clients.create({
    client_id: RP.id, client_secret: RP.secret, redirect_uris: [REDIRECT_URI], first_party: true,
    grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
  });
  rp = await discover(gatehouse.issuer, RP.id, RP.secret);
  pkce.code_challenge = await oidc.calculatePKCECodeChallenge(verifier);
});
afterAll(() => gatehouse.close());

const atCallback = (location: string) => location.startsWith(REDIRECT_URI);
/** An authorization request URL with these parameters on top of the usual ones. */
const authUrl = (params: Record<string, string> = {}) => oidc.buildAuthorizationUrl(rp, { redirect_uri: REDIRECT_URI, scope: 'openid', ...pkce, ...params }).href;
const callbackParams = (url: string) => new URL(url).searchParams;

/** A browser with a signed-in session, and the tokens of that sign-in. */
async function signedIn(scope = 'openid email') {
  const result = await authorize(rp, ALICE, { scope });
  const tokens = await oidc.authorizationCodeGrant(rp, result.callback, { pkceCodeVerifier: result.verifier, expectedNonce: result.nonce, expectedState: result.state });
  return { browser: result.browser, tokens };
}

describe('oidcc-basic', () => {
  it('oidcc-codereuse: a code redeemed twice fails, and the tokens it gave are revoked', async () => {
    const { callback, verifier: v, nonce, state } = await authorize(rp, ALICE, { scope: 'openid' });
    const first = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: v, expectedNonce: nonce, expectedState: state });
    await expect(oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: v, expectedNonce: nonce, expectedState: state }))
      .rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await oidc.tokenIntrospection(rp, first.access_token)).toEqual({ active: false }); // RFC 6749 §4.1.2
  });

  it('oidcc-ensure-redirect-uri-in-authorization-request: a request without redirect_uri is refused', async () => {
    const url = new URL(authUrl());
    url.searchParams.delete('redirect_uri');
    const page = await new Browser().request(url.href);
    expect(page.status).toBe(400);
    expect(page.headers.get('location')).toBeNull();
    expect(page.body).toContain('redirect_uri');
  });

  it('oidcc-prompt-none-not-logged-in: answers login_required without showing anything', async () => {
    const page = await new Browser().follow(authUrl({ prompt: 'none', state: 's1' }), atCallback);
    expect(atCallback(page.url)).toBe(true);
    expect(Object.fromEntries(callbackParams(page.url))).toMatchObject({ error: 'login_required', state: 's1', iss: gatehouse.issuer });
  });

  it('oidcc-prompt-none-logged-in: answers with a code at once for a signed-in user', async () => {
    const { browser } = await signedIn();
    const page = await browser.follow(authUrl({ prompt: 'none', scope: 'openid email' }), atCallback);
    expect(callbackParams(page.url).get('code')).toBeTruthy();
  });

  it('oidcc-prompt-none-consent-required: a signed-in user who has not consented gets consent_required', async () => {
    const { browser } = await signedIn();
    const thirdParty = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
    const url = oidc.buildAuthorizationUrl(thirdParty, { redirect_uri: REDIRECT_URI, scope: 'openid email', prompt: 'none', ...pkce });
    const page = await browser.follow(url.href, atCallback);
    expect(callbackParams(page.url).get('error')).toBe('consent_required');
  });

  it('oidcc-prompt-login: asks for the password again even with a session', async () => {
    const { browser } = await signedIn();
    const page = await browser.follow(authUrl({ prompt: 'login', scope: 'openid email' }), atCallback);
    expect(page.body).toContain('name="password"');
  });

  it('oidcc-max-age-1: a session older than max_age asks again, and auth_time is in the ID token', async () => {
    const { browser } = await signedIn();
    await new Promise((resolve) => setTimeout(resolve, 2100)); // the module waits for max_age to pass
    const secondLogin = Math.floor(Date.now() / 1000);
    const page = await browser.follow(authUrl({ max_age: '1', scope: 'openid email' }), atCallback);
    expect(page.body).toContain('name="password"');
    const done = await submitLogin(browser, page, ALICE, atCallback);
    const again = await oidc.authorizationCodeGrant(rp, new URL(done.url), { pkceCodeVerifier: verifier, maxAge: 1 });
    expect(again.claims()!.auth_time).toBeGreaterThanOrEqual(secondLogin);
  });

  it('oidcc-id-token-hint: prompt=none with the ID token as a hint returns the same subject', async () => {
    const { browser, tokens } = await signedIn();
    const page = await browser.follow(authUrl({ prompt: 'none', id_token_hint: tokens.id_token!, scope: 'openid email' }), atCallback);
    const again = await oidc.authorizationCodeGrant(rp, new URL(page.url), { pkceCodeVerifier: verifier });
    expect(again.claims()!.sub).toBe(tokens.claims()!.sub);
  });

  it('oidcc-login-hint: the login form starts with the hinted email, escaped', async () => {
    const page = await new Browser().follow(authUrl({ login_hint: 'alice@example.com"><b>x' }), atCallback);
    expect(page.body).toContain('value="alice@example.com&quot;&gt;&lt;b&gt;x"');
  });

  it('oidcc-acr-values / amr: the ID token says how the user signed in (OIDC Core §2, RFC 8176)', async () => {
    const config = rp.serverMetadata();
    expect(config.acr_values_supported).toEqual(['urn:gatehouse:acr:password', 'urn:gatehouse:acr:mfa']);
    const browser = new Browser();
    const page = await submitLogin(browser, await browser.follow(authUrl({ acr_values: 'urn:gatehouse:acr:password' }), atCallback), ALICE, atCallback);
    const claims = (await oidc.authorizationCodeGrant(rp, new URL(page.url), { pkceCodeVerifier: verifier })).claims()!;
    expect(claims).toMatchObject({ acr: 'urn:gatehouse:acr:password', amr: ['pwd'] });
  });

  it('oidcc-ui-locales: a request naming other locales is served, in English', async () => {
    expect(rp.serverMetadata().ui_locales_supported).toEqual(['en']);
    const page = await new Browser().follow(authUrl({ ui_locales: 'fr-CA fr en' }), atCallback);
    expect(page.body).toContain('<html lang="en">');
    expect(page.body).toContain('name="password"');
  });

  it('oidcc-ensure-request-without-nonce-succeeds-for-code-flow', async () => {
    const browser = new Browser();
    const page = await submitLogin(browser, await browser.follow(authUrl(), atCallback), ALICE, atCallback);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(page.url), { pkceCodeVerifier: verifier });
    expect(tokens.claims()!.nonce).toBeUndefined();
  });

  it('oidcc-response-mode-form-post: the code comes back in an auto-submitting form, allowed by the CSP', async () => {
    const { browser } = await signedIn();
    const page = await browser.follow(authUrl({ response_mode: 'form_post', state: 'fp', scope: 'openid email' }), atCallback);
    expect(page.status).toBe(200);
    expect(page.body).toContain(`<form method="post" action="${REDIRECT_URI}">`);
    expect(page.body).toMatch(/name="code" value="[^"]+"/);
    expect(page.body).toContain('name="state" value="fp"');
    const script = /<script>([\s\S]*?)<\/script>/.exec(page.body)![1]!;
    const { createHash } = await import('node:crypto');
    expect(page.headers.get('content-security-policy')).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  });

  it('oidcc-userinfo-post-body: the access token is accepted in a form body (RFC 6750 §2.2)', async () => {
    const { tokens } = await signedIn();
    const response = await fetch(`${gatehouse.issuer}/me`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ access_token: tokens.access_token }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ sub: tokens.claims()!.sub, email: ALICE.email });
  });

  it('oidcc-claims-essential: claims asked for with the claims parameter appear in the ID token', async () => {
    const browser = new Browser();
    const claims = JSON.stringify({ id_token: { email: { essential: true }, name: null } });
    const page = await browser.follow(authUrl({ claims, scope: 'openid' }), atCallback);
    const end = await submitLogin(browser, page, ALICE, atCallback);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(end.url), { pkceCodeVerifier: verifier });
    const jwks = createRemoteJWKSet(new URL(`${gatehouse.issuer}/jwks`));
    const { payload } = await jwtVerify(tokens.id_token!, jwks, { issuer: gatehouse.issuer, audience: RP.id });
    expect(payload).toMatchObject({ email: ALICE.email, name: 'Alice Example' });
  });

  it('oidcc-scope-email / oidcc-scope-profile: scopes release their claims at userinfo, and only those', async () => {
    const { tokens } = await signedIn('openid email');
    const userinfo = await oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub);
    expect(userinfo).toMatchObject({ email: ALICE.email, email_verified: true });
    expect(userinfo).not.toHaveProperty('name');
    expect(userinfo).not.toHaveProperty('roles');
  });

  it('oidcc-client-secret-post: the client may authenticate with its secret in the body', async () => {
    const secret = 'post-app-secret-0123456789abc';
    await gatehouse.running.core.clients.create({
      client_id: 'post-app', client_secret: secret, redirect_uris: [REDIRECT_URI], first_party: true,
      token_endpoint_auth_method: 'client_secret_post', grant_types: ['authorization_code'], response_types: ['code'],
    });
    const postRp = await discover(gatehouse.issuer, 'post-app', secret, oidc.ClientSecretPost(secret));
    const result = await authorize(postRp, ALICE, { scope: 'openid' });
    const tokens = await oidc.authorizationCodeGrant(postRp, result.callback, { pkceCodeVerifier: result.verifier, expectedNonce: result.nonce, expectedState: result.state });
    expect(tokens.claims()!.aud).toBe('post-app');
    const wrong = await discover(gatehouse.issuer, 'post-app', 'not-the-secret-0123456789abcd', oidc.ClientSecretPost('not-the-secret-0123456789abcd'));
    const again = await authorize(wrong, ALICE, { scope: 'openid' });
    await expect(oidc.authorizationCodeGrant(wrong, again.callback, { pkceCodeVerifier: again.verifier, expectedNonce: again.nonce, expectedState: again.state }))
      .rejects.toMatchObject({ error: 'invalid_client' });
  });
});
