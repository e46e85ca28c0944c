import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { startApache, type Apache } from '../../helpers/apache.ts';
import { expectSignInAsked, launchChromium, signInThroughApp } from '../../helpers/chromium.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { spFiles } from '../../helpers/saml.ts';
import { ALICE, seedWebApp } from '../../helpers/seed.ts';

/**
 * Apache's mod_auth_mellon (on the Lasso library), a SAML service provider many enterprise apps
 * sit behind, driven by Chromium: it reads Gatehouse's metadata, sends a signed AuthnRequest over
 * HTTP-Redirect, accepts the signed assertion Gatehouse's page posts back, and logs out through
 * single logout.
 */
describe('Apache mod_auth_mellon as the SAML service provider', () => {
  let gatehouse: TestGatehouse;
  let apache: Apache;
  let chromium: Browser;
  let work: string;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ env: { LOGIN_RATE_LIMIT: '1000' } });
    const { core } = gatehouse.running;
    await seedWebApp(core);
    work = await spFiles(gatehouse.issuer);
    apache = await startApache(['auth_mellon'], (url) => `
<Location />
  MellonEndpointPath /mellon
  MellonSPentityId "${url}/mellon/metadata"
  MellonSPPrivateKeyFile ${work}/sp-signing.key
  MellonSPCertFile ${work}/sp-signing.crt
  MellonIdPMetadataFile ${work}/idp.xml
  MellonUser mail
</Location>
# Over plain HTTP a browser drops the SameSite=None cookie Mellon sets before sending people to
# the IdP (None needs Secure); without the attribute it is Lax, which reaches the assertion
# consumer here, where the app and Gatehouse share the site 127.0.0.1.
SetEnvIf Request_URI ^/mellon/ MELLON_DISABLE_SAMESITE=1
<Location /secret>
  # the app's pages are per person: a browser must not show them from its cache after a sign-out
  Header always set Cache-Control no-store
  AuthType Mellon
  MellonEnable auth
  Require valid-user
  Header always set X-Remote-User "expr=%{REMOTE_USER}"
  Header always set X-Name "expr=%{ENV:MELLON_displayName}"
</Location>`, { 'secret/index.html': '<p>the enterprise app</p>', 'bye.html': '<p>signed out</p>' });
    // the SP's own metadata, as Mellon publishes it, registered as an operator would
    const metadata = await (await fetch(`${apache.url}/mellon/metadata`)).text();
    await core.saml.registry.save(metadata, { attributes: { email: 'mail', name: 'displayName' } });
    chromium = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await chromium?.close();
    await apache?.stop();
    await gatehouse?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('signs a person in: signed request over HTTP-Redirect, signed assertion over HTTP-POST, attributes as configured', async () => {
    const page = await (await chromium.newContext()).newPage();
    const posted = page.waitForRequest((r) => r.url() === `${apache.url}/mellon/postResponse` && r.method() === 'POST');
    const response = await signInThroughApp(page, `${apache.url}/secret/`, gatehouse.issuer, ALICE);
    expect((await posted).postData()).toContain('SAMLResponse=');
    expect(response.headers()).toMatchObject({ 'x-remote-user': ALICE.email, 'x-name': 'Alice Example' });
    expect(await page.textContent('body')).toBe('the enterprise app');
    expect(apache.errorLog()).not.toMatch(/\[auth_mellon:error\]/);

    expect((await page.goto(`${apache.url}/secret/`))?.status()).toBe(200); // Mellon's own session
    expect(page.url()).toBe(`${apache.url}/secret/`);
  });

  it('logs out through single logout (SP-initiated) and back to the app, which then asks for a sign-in again', async () => {
    const page = await (await chromium.newContext()).newPage();
    await signInThroughApp(page, `${apache.url}/secret/`, gatehouse.issuer, ALICE);
    await page.goto(`${apache.url}/mellon/logout?ReturnTo=${encodeURIComponent(`${apache.url}/bye.html`)}`);
    await page.waitForURL(`${apache.url}/bye.html`);
    expect(apache.errorLog()).not.toMatch(/\[auth_mellon:error\]/);

    await expectSignInAsked(page, `${apache.url}/secret/`, gatehouse.issuer);
  });
});
