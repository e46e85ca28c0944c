import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { startApache, type Apache } from '../../helpers/apache.ts';
import { expectSignInAsked, launchChromium, signInThroughApp } from '../../helpers/chromium.ts';
import { until } from '../../helpers/eventually.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { spFiles } from '../../helpers/saml.ts';
import { ALICE, seedWebApp } from '../../helpers/seed.ts';

// the attribute names of the eduPerson/inetOrgPerson schemas, as federations exchange them
const MAIL = 'urn:oid:0.9.2342.19200300.100.1.3';
const DISPLAY_NAME = 'urn:oid:2.16.840.1.113730.3.1.241';

/**
 * The Shibboleth SP (shibd and Apache's mod_shib), the SAML service provider of research and
 * education federations and of many enterprise apps, driven by Chromium: it reads Gatehouse's
 * metadata, signs people in with the assertion Gatehouse encrypts for it, maps URI-named
 * attributes, and logs out through single logout.
 */
describe('Shibboleth SP as the SAML service provider', () => {
  let gatehouse: TestGatehouse;
  let apache: Apache;
  let shibd: ChildProcess;
  let shibdLog = '';
  let chromium: Browser;
  let work: string; // Apache's children reach shibd's socket in it

  beforeAll(async () => {
    gatehouse = await startGatehouse({ env: { LOGIN_RATE_LIMIT: '1000' } });
    const { core } = gatehouse.running;
    await seedWebApp(core);
    work = await spFiles(gatehouse.issuer);
    fs.writeFileSync(path.join(work, 'attribute-map.xml'), `<Attributes xmlns="urn:mace:shibboleth:2.0:attribute-map">
  <Attribute name="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" id="persistent-id">
    <AttributeDecoder xsi:type="NameIDAttributeDecoder" formatter="$NameQualifier!$SPNameQualifier!$Name" defaultQualifiers="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>
  </Attribute>
  <Attribute name="${MAIL}" id="mail"/>
  <Attribute name="${DISPLAY_NAME}" id="displayName"/>
</Attributes>`);
    apache = await startApache(['shib'], (url) => {
      fs.writeFileSync(path.join(work, 'shibboleth2.xml'), `<SPConfig xmlns="urn:mace:shibboleth:3.0:native:sp:config" clockSkew="180">
  <UnixListener address="${work}/shibd.sock"/>
  <ApplicationDefaults entityID="${url}/shibboleth" REMOTE_USER="mail">
    <Sessions lifetime="28800" timeout="3600" relayState="ss:mem" checkAddress="false" handlerSSL="false" cookieProps="http" redirectLimit="exact">
      <SSO entityID="${gatehouse.issuer}/saml/metadata">SAML2</SSO>
      <Logout>SAML2 Local</Logout>
      <Handler type="MetadataGenerator" Location="/Metadata" signing="false"/>
    </Sessions>
    <Errors supportContact="root@localhost" helpLocation="/about.html" styleSheet="/shibboleth-sp/main.css"/>
    <MetadataProvider type="XML" validate="true" path="${work}/idp.xml"/>
    <AttributeExtractor type="XML" validate="true" reloadChanges="false" path="${work}/attribute-map.xml"/>
    <CredentialResolver type="File" key="${work}/sp-signing.key" certificate="${work}/sp-signing.crt"/>
  </ApplicationDefaults>
  <SecurityPolicyProvider type="XML" validate="true" path="/etc/shibboleth/security-policy.xml"/>
  <ProtocolProvider type="XML" validate="true" reloadChanges="false" path="/etc/shibboleth/protocols.xml"/>
</SPConfig>`);
      shibd = spawn('/usr/sbin/shibd', ['-F', '-f', '-c', path.join(work, 'shibboleth2.xml'), '-p', path.join(work, 'shibd.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
      shibd.stdout!.on('data', (chunk) => (shibdLog += chunk));
      shibd.stderr!.on('data', (chunk) => (shibdLog += chunk));
      return `
ShibConfig ${work}/shibboleth2.xml
<Location /Shibboleth.sso>
  SetHandler shib
</Location>
<Location /secure>
  # the app's pages are per person: a browser must not show them from its cache after a sign-out
  Header always set Cache-Control no-store
  AuthType shibboleth
  ShibRequestSetting requireSession 1
  Require shib-session
  Header always set X-Remote-User "expr=%{REMOTE_USER}"
  Header always set X-Name "expr=%{ENV:displayName}"
</Location>`;
    }, { 'secure/index.html': '<p>the federated app</p>', 'bye.html': '<p>signed out</p>' });
    await until(() => fs.existsSync(path.join(work, 'shibd.sock')), 'shibd to listen').catch((error: Error) => {
      throw new Error(`${error.message}: ${shibdLog}`); // its log as it stands then, not when the wait began
    });
    fs.chmodSync(path.join(work, 'shibd.sock'), 0o777); // Apache's children (www-data) talk to shibd over it
    // the SP's metadata, as Shibboleth generates it, registered as an operator would, with the
    // attribute names its federation expects
    const metadata = await (await fetch(`${apache.url}/Shibboleth.sso/Metadata`)).text();
    await core.saml.registry.save(metadata, { attributes: { email: MAIL, name: DISPLAY_NAME } });
    chromium = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await chromium?.close();
    await apache?.stop();
    shibd?.kill('SIGTERM');
    await gatehouse?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('signs a person in: encrypted, signed assertion over HTTP-POST, URI-named attributes mapped', async () => {
    const page = await (await chromium.newContext()).newPage();
    const posted = page.waitForRequest((r) => r.url() === `${apache.url}/Shibboleth.sso/SAML2/POST` && r.method() === 'POST');
    const response = await signInThroughApp(page, `${apache.url}/secure/`, gatehouse.issuer, ALICE);
    const assertion = Buffer.from(new URLSearchParams((await posted).postData()!).get('SAMLResponse')!, 'base64').toString();
    expect(assertion).toContain('<saml:EncryptedAssertion'); // Shibboleth's metadata offers its key for encryption
    expect(response.headers()).toMatchObject({ 'x-remote-user': ALICE.email, 'x-name': 'Alice Example' });
    expect(await page.textContent('body')).toBe('the federated app');
    expect((await page.goto(`${apache.url}/secure/`))?.status()).toBe(200); // the SP's own session
  });

  it('logs out through single logout (SP-initiated) and back to the app, which then asks for a sign-in again', async () => {
    const page = await (await chromium.newContext()).newPage();
    await signInThroughApp(page, `${apache.url}/secure/`, gatehouse.issuer, ALICE);
    await page.goto(`${apache.url}/Shibboleth.sso/Logout?return=${encodeURIComponent(`${apache.url}/bye.html`)}`);
    await page.waitForURL(`${apache.url}/bye.html`);

    await expectSignInAsked(page, `${apache.url}/secure/`, gatehouse.issuer);
  });
});
