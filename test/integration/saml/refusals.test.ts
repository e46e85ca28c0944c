import { Browser } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import fs from 'node:fs';
import { fixture, nodeSamlSp, redirectQuery, requestFixture } from '../../helpers/saml.ts';
import { seedWebApp } from '../../helpers/seed.ts';

/**
 * Requests that cannot be trusted get an error page, never a SAML response: nothing is posted
 * to an ACS, signed or not.
 */
describe('SAML SSO refusals', () => {
  let gatehouse: TestGatehouse;
  const spKey = fixture('sp-signing.key');
  const otherKey = fixture('other-signing.key');

  beforeAll(async () => {
    gatehouse = await startGatehouse();
    await seedWebApp(gatehouse.running.core);
    await gatehouse.running.core.saml.registry.save(fixture('sp-metadata.xml')); // AuthnRequestsSigned="true"
    await gatehouse.running.core.saml.registry.save(fixture('plain-sp-metadata.xml'));
  });
  afterAll(() => gatehouse.close());

  const sso = (query: string) => new Browser().request(`${gatehouse.issuer}/saml/sso?${query}`);
  const expectRefused = async (query: string, reason: RegExp) => {
    const page = await sso(query);
    expect(page.status).toBe(400);
    expect(page.body).toMatch(reason);
    expect(page.body).not.toContain('SAMLResponse');
    expect(page.headers.get('location')).toBeNull();
  };

  it('accepts the valid fixture, signed, as a start of sign-in', async () => {
    const page = await sso(redirectQuery(requestFixture('authn-request.xml', gatehouse.issuer).xml, { key: spKey }));
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toMatch(/\/auth\?client_id=gatehouse-saml&/);
  });

  it.each([
    ['an unknown SP', 'unknown-sp.xml', /service provider https:\/\/unknown-sp\.example\.org\/metadata is not registered/],
    ['an ACS URL that is not in the metadata', 'acs-not-in-metadata.xml', /ACS URL https:\/\/attacker\.example\/acs is not in the service provider&#39;s metadata/],
    ['a stale request', 'stale.xml', /it is stale or from the future/],
  ])('refuses %s', async (_name, file, reason) => {
    await expectRefused(redirectQuery(requestFixture(file, gatehouse.issuer).xml, { key: spKey }), reason);
  });

  it('refuses an unsigned request when the SP must sign', async () => {
    await expectRefused(redirectQuery(requestFixture('authn-request.xml', gatehouse.issuer).xml), /it is not signed/);
  });

  it('refuses a tampered signature, and one by a key that is not in the metadata', async () => {
    const signed = redirectQuery(requestFixture('authn-request.xml', gatehouse.issuer).xml, { key: spKey, relayState: 'to-the-app' });
    await expectRefused(signed.replace('RelayState=to-the-app', 'RelayState=to-the-attacker'), /signature does not verify/);
    await expectRefused(redirectQuery(requestFixture('authn-request.xml', gatehouse.issuer).xml, { key: otherKey }), /signature does not verify/);
  });

  it('refuses a tampered enveloped signature over HTTP-POST (node-saml signs the request, then it is altered)', async () => {
    const sp = nodeSamlSp(gatehouse.issuer, fs.readFileSync(gatehouse.running.core.config.saml.certFile, 'utf8'), { authnRequestBinding: 'HTTP-POST', skipRequestCompression: true });
    const html = await sp.getAuthorizeFormAsync('');
    const signed = Buffer.from(html.match(/name="SAMLRequest" value="([^"]+)"/)![1]!, 'base64').toString();
    expect(signed).toContain('<Signature');
    const post = (xml: string) => new Browser().request(`${gatehouse.issuer}/saml/sso`, { form: { SAMLRequest: Buffer.from(xml).toString('base64') } });
    const tampered = await post(signed.replace('ForceAuthn="false"', 'ForceAuthn="true"').replace(/ID="([^"]+)"/, 'ID="$1" IsPassive="false"'));
    expect(tampered.status).toBe(400);
    expect(tampered.body).toContain('signature does not verify');
    expect((await post(signed)).status).toBe(303);
  });

  it('refuses a replayed request ID', async () => {
    const { xml } = requestFixture('authn-request.xml', gatehouse.issuer);
    expect((await sso(redirectQuery(xml, { key: spKey }))).status).toBe(303);
    await expectRefused(redirectQuery(xml, { key: spKey }), /its ID was used before \(a replay\)/);
  });

  it('refuses malformed input with a clear message', async () => {
    await expectRefused('', /SAMLRequest is missing/);
    await expectRefused('SAMLRequest=not-deflate', /not DEFLATE-compressed base64/);
    const doctype = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&e;</samlp:AuthnRequest>';
    await expectRefused(redirectQuery(doctype), /must not contain a document type declaration/);
  });

  it('refuses IdP-initiated sign-ins for SPs that do not allow them', async () => {
    const page = await new Browser().request(`${gatehouse.issuer}/saml/idp-initiated?sp=${encodeURIComponent('https://plain-sp.example.com')}`);
    expect(page.status).toBe(400);
    expect(page.body).toContain('does not accept sign-ins started here');
  });
});
