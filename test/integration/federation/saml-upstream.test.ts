import fs from 'node:fs';
import type { SAML } from '@node-saml/node-saml';
import * as oidc from 'openid-client';
import { applyImport } from '../../../src/import/apply-import.ts';
import { Browser, postForm, type Page } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { discover, REDIRECT_URI } from '../../helpers/relying-party.ts';
import { fixture, nodeSamlSp, samlPostForm } from '../../helpers/saml.ts';
import { IDP_SSO, samlifyIdp, samlifyIdpSignedBy } from '../../helpers/samlify-idp.ts';
import { seedWebApp, WEB_APP } from '../../helpers/seed.ts';

const atCallback = (l: string) => l.startsWith(REDIRECT_URI);
const atIdp = (l: string) => l.startsWith(IDP_SSO);

describe('sign-in with an upstream SAML IdP (the SP bridge), samlify as the IdP', () => {
  let gatehouse: TestGatehouse;
  let rp: oidc.Configuration;
  let spMetadata: string;
  const idp = samlifyIdp();

  beforeAll(async () => {
    gatehouse = await startGatehouse({ env: { LOGIN_RATE_LIMIT: '1000' } });
    const { core } = gatehouse.running;
    await seedWebApp(core);
    await applyImport(core, {
      saml_identity_providers: [{ id: 'corp', display_name: 'Corp SAML', metadata: idp.metadata, claims: { email: 'mail', name: 'displayName' }, roles: { from: 'memberOf', map: { 'cn=admins': 'admin' } } }],
    }, 'inline', { dryRun: false });
    await core.saml.registry.save(fixture('sp-metadata.xml'), { attributes: { email: 'mail', roles: 'groups' } });
    rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
    spMetadata = await (await fetch(`${gatehouse.issuer}/saml/sp/corp/metadata`)).text();
  });
  afterAll(() => gatehouse.close());

  /** Opens a sign-in at the web app and leaves for the upstream: answers the redirect to the IdP. */
  const toIdp = async (browser = new Browser()) => {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(rp, { redirect_uri: REDIRECT_URI, scope: 'openid email profile roles', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const login = await browser.follow(url.href, atCallback);
    expect(login.body).toContain('Sign in with Corp SAML');
    const atUpstream = await browser.follow(new URL(`${new URL(login.url).pathname}/upstream/corp`, login.url).href, atIdp);
    return { browser, verifier, idpUrl: atUpstream.url };
  };
  const post = (browser: Browser, SAMLResponse: string, RelayState: string) =>
    browser.follow(`${gatehouse.issuer}/saml/sp/corp/acs`, atCallback, { form: { SAMLResponse, RelayState } });
  const tokensFrom = async (browser: Browser, page: Page, verifier: string) => {
    const done = page.body.includes('Allow access') ? await postForm(browser, page, '/consent', {}, atCallback) : page;
    if (!done.url.startsWith(REDIRECT_URI)) throw new Error(`ended at ${done.url} (${done.status}): ${done.body.slice(done.body.indexOf('<h1'), done.body.indexOf('<h1') + 300)}`);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(done.url), { pkceCodeVerifier: verifier });
    return { idToken: tokens.claims()!, userinfo: await oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub) };
  };

  it('publishes SP metadata per upstream: entity ID, ACS, signing certificate', () => {
    expect(spMetadata).toContain(`entityID="${gatehouse.issuer}/saml/sp/corp"`);
    expect(spMetadata).toContain(`Location="${gatehouse.issuer}/saml/sp/corp/acs"`);
    expect(spMetadata).toContain('AuthnRequestsSigned="true"');
    for (const binding of ['HTTP-Redirect', 'HTTP-POST']) {
      expect(spMetadata).toContain(`<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:${binding}" Location="${gatehouse.issuer}/saml/sp/corp/slo"/>`);
    }
  });

  it('end to end: upstream sign-in → account created → an OIDC client gets the mapped claims → a SAML SP of Gatehouse gets the user too', async () => {
    const { browser, verifier, idpUrl } = await toIdp();
    const relayState = new URL(idpUrl).searchParams.get('RelayState')!;
    const answer = await idp.answer(spMetadata, idpUrl, { nameId: 'corp-user-42', email: 'hana@corp.example', name: 'Hana Corp', groups: ['cn=admins', 'cn=other'] });
    const { idToken, userinfo } = await tokensFrom(browser, await post(browser, answer.SAMLResponse, relayState), verifier);
    expect(idToken).toMatchObject({ amr: ['fed'] });
    expect(userinfo).toMatchObject({ email: 'hana@corp.example', name: 'Hana Corp', roles: ['admin'] });

    const idpCert = fs.readFileSync(gatehouse.running.core.config.saml.certFile, 'utf8');
    const sp: SAML = nodeSamlSp(gatehouse.issuer, idpCert);
    const page = await browser.follow(await sp.getAuthorizeUrlAsync('', undefined, {}));
    const { profile } = await sp.validatePostResponseAsync({ SAMLResponse: samlPostForm(page).SAMLResponse });
    expect(profile).toMatchObject({ mail: 'hana@corp.example', groups: 'admin' });
  });

  it('sends a signed AuthnRequest over HTTP-POST to an upstream that offers only that binding', async () => {
    const postOnly = idp.metadata.replace(/urn:oasis:names:tc:SAML:2\.0:bindings:HTTP-Redirect" Location="https:\/\/idp\.corp\.example\/sso/, 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.corp.example/sso');
    expect(postOnly).not.toBe(idp.metadata);
    await applyImport(gatehouse.running.core, { saml_identity_providers: [{ id: 'corp-post', display_name: 'Corp POST', metadata: postOnly }] }, 'inline', { dryRun: false });
    const browser = new Browser();
    const url = oidc.buildAuthorizationUrl(rp, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' });
    const login = await browser.follow(url.href, atCallback);
    const page = await browser.follow(new URL(`${new URL(login.url).pathname}/upstream/corp-post`, login.url).href, atIdp);
    const form = samlPostForm({ ...page, body: page.body.replace('name="SAMLRequest"', 'name="SAMLResponse"') });
    expect(form.action).toBe(IDP_SSO);
    const request = Buffer.from(form.SAMLResponse, 'base64').toString();
    expect(request).toContain(`<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">${gatehouse.issuer}/saml/sp/corp-post</saml:Issuer>`);
    expect(request).toContain('<Signature');
    expect(form.RelayState).toBeTruthy();
  });

  it('ends the sessions of a person the upstream logs out (upstream SLO), and answers it', async () => {
    const { browser, verifier, idpUrl } = await toIdp();
    const answer = await idp.answer(spMetadata, idpUrl, { nameId: 'slo-user', email: 'ivy@corp.example', name: 'Ivy', groups: [] });
    await tokensFrom(browser, await post(browser, answer.SAMLResponse, new URL(idpUrl).searchParams.get('RelayState')!), verifier);
    const silent = async () => {
      const url = oidc.buildAuthorizationUrl(rp, { redirect_uri: REDIRECT_URI, scope: 'openid', prompt: 'none', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' });
      return new URL((await browser.follow(url.href, atCallback)).url).searchParams.get('error');
    };
    expect(await silent()).toBeNull();

    const request = idp.logoutRequest(spMetadata, 'slo-user');
    expect(request.startsWith(`${gatehouse.issuer}/saml/sp/corp/slo?`)).toBe(true);
    const answered = await new Browser().request(request); // the upstream's own front channel, another tab
    expect(answered.status).toBe(302);
    expect(answered.headers.get('location')).toMatch(/^https:\/\/idp\.corp\.example\/slo\?SAMLResponse=/);
    expect(await silent()).toBe('login_required');
  });

  describe('refuses tampered responses, and provisions nothing from them', () => {
    const attempt = async (tamper: (xml: string) => string, edit?: Parameters<typeof idp.answer>[3], email = `victim${Math.random().toString(36).slice(2)}@corp.example`) => {
      const { browser, idpUrl } = await toIdp();
      const relayState = new URL(idpUrl).searchParams.get('RelayState')!;
      const answer = await idp.answer(spMetadata, idpUrl, { nameId: `n-${email}`, email, name: 'Victim', groups: ['cn=admins'] }, edit);
      const tampered = Buffer.from(tamper(Buffer.from(answer.SAMLResponse, 'base64').toString())).toString('base64');
      const page = await post(browser, tampered, relayState);
      return { page, email, answer, browser, relayState };
    };
    const expectRefused = async (result: Awaited<ReturnType<typeof attempt>>, reason: RegExp) => {
      expect(result.page.status).toBeGreaterThanOrEqual(400);
      expect(result.page.body).toMatch(reason);
      expect(await gatehouse.running.core.accounts.findByEmail(result.email)).toBeUndefined();
    };

    it('an unsigned response', async () => {
      await expectRefused(await attempt((xml) => xml.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/g, '')), /refused/);
    });
    it('a wrong audience', async () => {
      await expectRefused(await attempt((xml) => xml, (t) => ({ ...t, Audience: 'https://someone-else.example' })), /refused/);
    });
    it('an expired assertion', async () => {
      const past = new Date(Date.now() - 3600_000).toISOString();
      await expectRefused(await attempt((xml) => xml, (t) => ({ ...t, ConditionsNotBefore: past, ConditionsNotOnOrAfter: past, SubjectConfirmationDataNotOnOrAfter: past })), /refused/);
    });
    it('a wrong recipient', async () => {
      await expectRefused(await attempt((xml) => xml, (t) => ({ ...t, SubjectRecipient: 'https://attacker.example/acs' })), /refused/);
    });
    it('a DTD with an external entity (XXE)', async () => {
      await expectRefused(await attempt((xml) => `<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${xml.replace(/^<\?xml[^>]*>/, '')}`), /document type declaration/);
    });
    it('a comment that would truncate the NameID', async () => {
      await expectRefused(await attempt((xml) => xml.replace(/(<saml:NameID[^>]*>)([^<]+)/, '$1$2<!---->.evil.example')), /comments/);
    });
    it('two assertions', async () => {
      await expectRefused(await attempt((xml) => xml.replace(/(<saml:Assertion[\s\S]*<\/saml:Assertion>)/, '$1$1')), /more than one assertion/);
    });
    it('a signature wrapping: the signed assertion moved into an extension, an evil one in its place', async () => {
      await expectRefused(await attempt((xml) => {
        const assertion = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xml)![0];
        const evil = assertion.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/, '').replace(/ID="[^"]+"/, 'ID="_evil"').replace(/>n-[^<]+</, '>attacker<');
        return xml.replace(assertion, `<samlp:Extensions>${assertion}</samlp:Extensions>${evil}`);
      }), /refused/);
    });
    it('a response signed with a key that is not in the upstream metadata', async () => {
      const other = samlifyIdpSignedBy('sp-signing'); // same entity ID, a key the upstream metadata does not list
      const { browser, idpUrl } = await toIdp();
      const relayState = new URL(idpUrl).searchParams.get('RelayState')!;
      const email = 'signed-by-other@corp.example';
      const answer = await other.answer(spMetadata, idpUrl, { nameId: 'x', email, name: 'X', groups: [] });
      const page = await post(browser, answer.SAMLResponse, relayState);
      expect(page.status).toBe(403);
      expect(await gatehouse.running.core.accounts.findByEmail(email)).toBeUndefined();
    });
    it('a replayed response', async () => {
      const { browser, idpUrl } = await toIdp();
      const relayState = new URL(idpUrl).searchParams.get('RelayState')!;
      const answer = await idp.answer(spMetadata, idpUrl, { nameId: 'replay-1', email: 'replay@corp.example', name: 'R', groups: [] });
      expect((await post(browser, answer.SAMLResponse, relayState)).status).toBeLessThan(400);
      const again = await post(browser, answer.SAMLResponse, relayState);
      expect(again.status).toBe(403);
    });
  });
});
