import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ValidateInResponseTo, type SAML } from '@node-saml/node-saml';
import { Browser, hiddenFields } from '../../helpers/browser.ts';
import { startGatehouse, STORAGE_KINDS, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover } from '../../helpers/relying-party.ts';
import { fixture, nodeSamlSp, samlPostForm, throughLogin } from '../../helpers/saml.ts';
import { ALICE, seedWebApp, WEB_APP } from '../../helpers/seed.ts';
import { applyImport } from '../../../src/import/apply-import.ts';

describe.each(STORAGE_KINDS)('SAML SSO with @node-saml/node-saml as the SP (%s)', (storage) => {
  let gatehouse: TestGatehouse;
  let idpCert: string;
  let sp: SAML;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ storage, env: { LOGIN_RATE_LIMIT: '1000' } });
    const { core } = gatehouse.running;
    await seedWebApp(core);
    await core.accounts.addRole((await core.accounts.findByEmail(ALICE.email))!.id, 'admin');
    await core.saml.registry.save(fixture('sp-metadata.xml'), { attributes: { email: 'mail', name: 'displayName', roles: 'groups' } });
    idpCert = fs.readFileSync(core.config.saml.certFile, 'utf8');
    sp = nodeSamlSp(gatehouse.issuer, idpCert);
  });
  afterAll(() => gatehouse.close());

  it('publishes metadata: entity ID, signing certificate, SSO and SLO over both bindings, NameID formats', async () => {
    const response = await fetch(`${gatehouse.issuer}/saml/metadata`);
    expect(response.headers.get('content-type')).toContain('application/samlmetadata+xml');
    const xml = await response.text();
    expect(xml).toContain(`entityID="${gatehouse.issuer}/saml/metadata"`);
    expect(xml).toContain(idpCert.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''));
    for (const binding of ['HTTP-Redirect', 'HTTP-POST']) {
      expect(xml).toContain(`<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:${binding}" Location="${gatehouse.issuer}/saml/sso"/>`);
      expect(xml).toContain(`<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:${binding}" Location="${gatehouse.issuer}/saml/slo"/>`);
    }
    expect(xml).toContain('urn:oasis:names:tc:SAML:2.0:nameid-format:persistent');
  });

  it('signs in over HTTP-Redirect with a signed request, and the SP accepts the signed, encrypted assertion', async () => {
    const browser = new Browser();
    const url = await sp.getAuthorizeUrlAsync('relay-123', undefined, {});
    const page = await throughLogin(browser, url, ALICE);
    const form = samlPostForm(page);
    expect(form.action).toBe('https://sp.example.com/acs');
    expect(form.RelayState).toBe('relay-123');
    expect(page.body).toContain('<script src="/assets/saml-post.js"></script>');
    expect(page.body).toMatch(/<button type="submit">Continue to https:\/\/sp\.example\.com\/metadata<\/button>/);
    const xml = Buffer.from(form.SAMLResponse, 'base64').toString();
    expect(xml).toContain('<saml:EncryptedAssertion');
    expect(xml).not.toContain(ALICE.email);

    const { profile } = await sp.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse });
    const account = await gatehouse.running.core.accounts.findByEmail(ALICE.email);
    expect(profile).toMatchObject({
      issuer: `${gatehouse.issuer}/saml/metadata`,
      nameIDFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
      mail: ALICE.email, displayName: 'Alice Example', groups: 'admin',
    });
    expect(profile!.nameID).not.toContain(account!.id);
    expect(profile!.sessionIndex).toBeTruthy();

    // the same browser, signed in already: no second login, and the same persistent NameID
    const again = samlPostForm(await browser.follow(await sp.getAuthorizeUrlAsync('', undefined, {})));
    const second = await sp.validatePostResponseAsync({ SAMLResponse: again.SAMLResponse });
    expect(second.profile!.nameID).toBe(profile!.nameID);
  });

  it('signs in over HTTP-POST', async () => {
    const postSp = nodeSamlSp(gatehouse.issuer, idpCert, { authnRequestBinding: 'HTTP-POST' });
    const html = await postSp.getAuthorizeFormAsync('post-relay');
    const fields = Object.fromEntries([...html.matchAll(/name="(\w+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const page = await throughLogin(new Browser(), `${gatehouse.issuer}/saml/sso`, ALICE, { form: { SAMLRequest: fields.SAMLRequest!, RelayState: fields.RelayState! } });
    const form = samlPostForm(page);
    expect(form.RelayState).toBe('post-relay');
    const { profile } = await postSp.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse });
    expect(profile!.mail).toBe(ALICE.email);
  });

  it('an OIDC sign-in first means SAML SSO needs no second login', async () => {
    const rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
    const { browser } = await authorize(rp, ALICE, { scope: 'openid' });
    const page = await browser.follow(await sp.getAuthorizeUrlAsync('', undefined, {}));
    const { profile } = await sp.validatePostResponseAsync({ SAMLResponse: samlPostForm(page).SAMLResponse });
    expect(profile!.mail).toBe(ALICE.email);
  });

  it('ForceAuthn asks for the password again, even with a session', async () => {
    const rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
    const { browser } = await authorize(rp, ALICE, { scope: 'openid' });
    const forced = nodeSamlSp(gatehouse.issuer, idpCert, { forceAuthn: true });
    const login = await browser.follow(await forced.getAuthorizeUrlAsync('', undefined, {}));
    expect(login.body).toContain('name="password"');
    const page = await throughLogin(browser, login.url, ALICE);
    expect((await forced.validatePostResponseAsync({ SAMLResponse: samlPostForm(page).SAMLResponse })).profile!.mail).toBe(ALICE.email);
  });

  it('IsPassive without a session answers NoPassive, never a login page', async () => {
    const passive = nodeSamlSp(gatehouse.issuer, idpCert, { passive: true });
    const page = await new Browser().follow(await passive.getAuthorizeUrlAsync('', undefined, {}));
    expect(page.body).not.toContain('name="password"');
    const form = samlPostForm(page);
    const xml = Buffer.from(form.SAMLResponse, 'base64').toString();
    expect(xml).toContain('urn:oasis:names:tc:SAML:2.0:status:NoPassive');
    expect(xml).not.toContain('Assertion');
    // node-saml reads NoPassive as "not signed in": no profile, no error
    expect(await passive.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse })).toEqual({ profile: null, loggedOut: false });
    const metrics = await (await fetch(`${gatehouse.issuer}/metrics`)).text();
    expect(metrics).toMatch(/^gatehouse_saml_responses_total\{status="NoPassive"\} 1$/m);
    expect(metrics).toMatch(/^gatehouse_saml_responses_total\{status="Success"\} \d+$/m);
  });

  it('signs in IdP-initiated for an SP that allows it: an unsolicited response, no InResponseTo', async () => {
    const { core } = gatehouse.running;
    const sp = (await core.saml.registry.find('https://sp.example.com/metadata'))!;
    await core.saml.registry.save(sp.metadataXml, { ...sp.settings, idpInitiated: true });
    try {
      const page = await throughLogin(new Browser(), `${gatehouse.issuer}/saml/idp-initiated?sp=${encodeURIComponent(sp.entityId)}&RelayState=%2Fdashboard`, ALICE);
      const form = samlPostForm(page);
      expect(form.RelayState).toBe('/dashboard');
      expect(Buffer.from(form.SAMLResponse, 'base64').toString()).not.toContain('InResponseTo');
      const unsolicited = nodeSamlSp(gatehouse.issuer, idpCert, { validateInResponseTo: ValidateInResponseTo.never });
      expect((await unsolicited.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse })).profile!.mail).toBe(ALICE.email);
    } finally {
      await core.saml.registry.save(sp.metadataXml, sp.settings);
    }
  });

  it('publishes the next certificate before it signs (rollover)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-rollover-'));
    fs.copyFileSync(path.resolve('test/fixtures/saml/other-signing.crt'), path.join(dir, 'next.crt'));
    const rolling = await startGatehouse({ env: { SAML_NEXT_CERT_FILE: path.join(dir, 'next.crt') } });
    try {
      const xml = await (await fetch(`${rolling.issuer}/saml/metadata`)).text();
      expect(xml.match(/<md:KeyDescriptor use="signing">/g)).toHaveLength(2);
      expect(xml).toContain(fixture('other-signing.crt').replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''));
    } finally {
      await rolling.close();
    }
  });

  it('asks for a second factor when the SP requests the REFEDS MFA context', async () => {
    const mfaSp = nodeSamlSp(gatehouse.issuer, idpCert, { authnContext: ['https://refeds.org/profile/mfa'] });
    const page = await throughLogin(new Browser(), await mfaSp.getAuthorizeUrlAsync('', undefined, {}), ALICE);
    expect(page.body).toContain('Confirm it is you');
    expect(hiddenFields(page.body).csrf).toBeTruthy();
  });

  it('hands every role to an SP whose import entry maps roles, as one multi-valued attribute', async () => {
    const { core } = gatehouse.running;
    await applyImport(core, {
      saml_service_providers: [{ metadata: fixture('sp-metadata.xml'), attributes: { email: 'mail', roles: 'groups' } }],
      users: [{ email: ALICE.email, roles: ['admin', 'auditor'] }],
    }, 'inline', { dryRun: false });
    const page = await throughLogin(new Browser(), await sp.getAuthorizeUrlAsync('', undefined, {}), ALICE);
    const { profile } = await sp.validatePostResponseAsync({ SAMLResponse: samlPostForm(page).SAMLResponse });
    expect(profile).toMatchObject({ mail: ALICE.email, groups: ['admin', 'auditor'] });
    expect(profile).not.toHaveProperty('displayName'); // the import's mapping replaced the earlier one
  });
});
