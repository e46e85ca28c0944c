import fs from 'node:fs';
import * as xmllint from '@authenio/samlify-node-xmllint';
import * as samlify from 'samlify';
import { Browser } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { fixture, samlPostForm, throughLogin } from '../../helpers/saml.ts';
import { ALICE, seedWebApp } from '../../helpers/seed.ts';

samlify.setSchemaValidator(xmllint); // samlify validates every message against the SAML schemas

/** samlify as a second, independent SP: it reads our metadata and checks what we send against the schemas. */
describe('SAML SSO with samlify as the SP', () => {
  let gatehouse: TestGatehouse;
  let idp: ReturnType<typeof samlify.IdentityProvider>;
  let sp: ReturnType<typeof samlify.ServiceProvider>;

  beforeAll(async () => {
    // every SP must sign (WantAuthnRequestsSigned="true" in the metadata, which samlify insists on)
    gatehouse = await startGatehouse({ env: { LOGIN_RATE_LIMIT: '1000', SAML_REQUIRE_SIGNED_REQUESTS: 'true' } });
    const { core } = gatehouse.running;
    await seedWebApp(core);
    sp = samlify.ServiceProvider({
      entityID: 'https://samlify-sp.example.net/metadata',
      authnRequestsSigned: true, wantAssertionsSigned: true, wantMessageSigned: true,
      signingCert: fixture('sp-signing.crt'), privateKey: fixture('sp-signing.key'),
      encryptCert: fixture('sp-encryption.crt'), encPrivateKey: fixture('sp-encryption.key'), isAssertionEncrypted: true,
      requestSignatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
      assertionConsumerService: [{ Binding: samlify.Constants.namespace.binding.post, Location: 'https://samlify-sp.example.net/acs' }],
      // where samlify puts the signature of a POST-binding request (its default is for responses)
      signatureConfig: { prefix: 'ds', location: { reference: "/*[local-name(.)='AuthnRequest']/*[local-name(.)='Issuer']", action: 'after' } },
    });
    // the SP's own metadata, as samlify writes it, registered through the same path as any other
    await core.saml.registry.save(sp.getMetadata(), { nameIdFormat: 'emailAddress', attributes: { email: 'email', name: 'displayName' } });
    // (samlify reads "the IdP encrypts its assertions" from the IdP entity's settings)
    idp = samlify.IdentityProvider({ metadata: await (await fetch(`${gatehouse.issuer}/saml/metadata`)).text(), isAssertionEncrypted: true });
  });
  afterAll(() => gatehouse.close());

  const accept = async (page: Awaited<ReturnType<typeof throughLogin>>) => {
    const form = samlPostForm(page);
    expect(form.action).toBe('https://samlify-sp.example.net/acs');
    const { extract } = await sp.parseLoginResponse(idp, 'post', { body: { SAMLResponse: form.SAMLResponse, RelayState: form.RelayState } });
    return extract as { nameID: string; attributes: Record<string, string>; response: { inResponseTo?: string } };
  };

  it('reads our metadata: entity ID, SSO endpoints and signing certificate', () => {
    expect(idp.entityMeta.getEntityID()).toBe(`${gatehouse.issuer}/saml/metadata`);
    expect(idp.entityMeta.getSingleSignOnService('redirect')).toBe(`${gatehouse.issuer}/saml/sso`);
    expect(idp.entityMeta.getSingleSignOnService('post')).toBe(`${gatehouse.issuer}/saml/sso`);
    const cert = fs.readFileSync(gatehouse.running.core.config.saml.certFile, 'utf8').replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
    expect(String(idp.entityMeta.getX509Certificate('signing'))).toContain(cert.slice(0, 64));
  });

  it('signs in over HTTP-Redirect; samlify verifies, decrypts and schema-checks the response', async () => {
    const { context } = sp.createLoginRequest(idp, 'redirect') as { context: string };
    const extract = await accept(await throughLogin(new Browser(), context, ALICE));
    expect(extract.nameID).toBe(ALICE.email);
    expect(extract.attributes).toMatchObject({ email: ALICE.email, displayName: 'Alice Example' });
  });

  it('signs in over HTTP-POST, and the auto-submit page carries the RelayState', async () => {
    const request = sp.createLoginRequest(idp, 'post') as { context: string; relayState: string };
    const page = await throughLogin(new Browser(), `${gatehouse.issuer}/saml/sso`, ALICE, { form: { SAMLRequest: request.context, RelayState: 'samlify-state' } });
    expect(samlPostForm(page).RelayState).toBe('samlify-state');
    expect((await accept(page)).nameID).toBe(ALICE.email);
  });
});
