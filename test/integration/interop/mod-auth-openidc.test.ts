import crypto from 'node:crypto';
import type { Browser } from 'playwright-core';
import { startApache, type Apache } from '../../helpers/apache.ts';
import { expectSignInAsked, launchChromium, signInThroughApp } from '../../helpers/chromium.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { ALICE, seedWebApp } from '../../helpers/seed.ts';

const APP = { id: 'apache-app', secret: crypto.randomBytes(24).toString('base64url') };

/**
 * Apache's mod_auth_openidc, the relying party many enterprises put in front of their apps,
 * configured from the discovery URL alone, driven by Chromium: it signs people in with code +
 * PKCE, checks the ID token, reads userinfo, signs out through the end-session endpoint, and
 * ends its own session when Gatehouse sends it a back-channel logout token.
 */
describe('Apache mod_auth_openidc as the relying party', () => {
  let gatehouse: TestGatehouse;
  let apache: Apache;
  let chromium: Browser;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ env: { LOGIN_RATE_LIMIT: '1000' } });
    const { core } = gatehouse.running;
    await seedWebApp(core);
    apache = await startApache(['auth_openidc'], (url) => `
OIDCProviderMetadataURL ${gatehouse.issuer}/.well-known/openid-configuration
OIDCClientID ${APP.id}
OIDCClientSecret ${APP.secret}
OIDCRedirectURI ${url}/protected/callback
OIDCCryptoPassphrase ${crypto.randomBytes(24).toString('base64url')}
OIDCScope "openid email profile"
OIDCPKCEMethod S256
OIDCRemoteUserClaim email
<Location /protected>
  # the app's pages are per person: a browser must not show them from its cache after a sign-out
  Header always set Cache-Control no-store
  AuthType openid-connect
  Require valid-user
  Header always set X-Remote-User "expr=%{REMOTE_USER}"
  Header always set X-Name "expr=%{HTTP:OIDC_CLAIM_name}"
</Location>`, { 'protected/index.html': '<p>the protected app</p>', 'bye.html': '<p>signed out</p>' });
    await core.clients.create({
      client_id: APP.id, client_secret: APP.secret, redirect_uris: [`${apache.url}/protected/callback`],
      post_logout_redirect_uris: [`${apache.url}/bye.html`], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
      // mod_auth_openidc's back-channel logout endpoint (OpenID Connect Back-Channel Logout 1.0)
      backchannel_logout_uri: `${apache.url}/protected/callback?logout=backchannel`, backchannel_logout_session_required: true,
    });
    chromium = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await chromium?.close();
    await apache?.stop();
    await gatehouse?.close();
  });

  it('signs a person in: code + PKCE, the ID token checked, the email from userinfo as REMOTE_USER', async () => {
    const page = await (await chromium.newContext()).newPage();
    const response = await signInThroughApp(page, `${apache.url}/protected/`, gatehouse.issuer, ALICE, { consent: true });
    expect(response.headers()).toMatchObject({ 'x-remote-user': ALICE.email, 'x-name': 'Alice Example' });
    expect(await page.textContent('body')).toBe('the protected app');
    expect(apache.errorLog()).not.toMatch(/\[auth_openidc:error\]/);

    const again = await page.goto(`${apache.url}/protected/`);
    expect(again?.status()).toBe(200); // the module's own session, no round trip to Gatehouse
    expect(page.url()).toBe(`${apache.url}/protected/`);
  });

  it('signs out through the end-session endpoint and back to the app, which then asks for a sign-in again', async () => {
    const page = await (await chromium.newContext()).newPage();
    await signInThroughApp(page, `${apache.url}/protected/`, gatehouse.issuer, ALICE, { consent: true });
    await page.goto(`${apache.url}/protected/callback?logout=${encodeURIComponent(`${apache.url}/bye.html`)}`);
    expect(page.url()).toContain(`${gatehouse.issuer}/session/end`);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(`${apache.url}/bye.html`);
    expect(apache.errorLog()).not.toMatch(/\[auth_openidc:error\]/);

    await expectSignInAsked(page, `${apache.url}/protected/`, gatehouse.issuer);
  });

  it('ends its session when a sign-out elsewhere reaches it over the back channel', async () => {
    const page = await (await chromium.newContext()).newPage();
    await signInThroughApp(page, `${apache.url}/protected/`, gatehouse.issuer, ALICE, { consent: true });
    // signing out at Gatehouse itself, not through the app
    await page.goto(`${gatehouse.issuer}/session/end`);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(`${gatehouse.issuer}/session/end/success`); // the logout token was delivered by then

    await expectSignInAsked(page, `${apache.url}/protected/`, gatehouse.issuer);
    expect(apache.errorLog()).not.toMatch(/\[auth_openidc:error\]/);
  });
});
