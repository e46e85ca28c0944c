import http from 'node:http';
import type { SAML } from '@node-saml/node-saml';
import * as oidc from 'openid-client';
import { Browser, formAction, hiddenField } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover, REDIRECT_URI } from '../../helpers/relying-party.ts';
import { fixture, nodeSamlSp, samlPostForm } from '../../helpers/saml.ts';
import { ALICE, seedWebApp } from '../../helpers/seed.ts';

/** The query of a redirect's Location, parsed and raw (node-saml checks the signature over the raw one). */
const queryOf = (location: string) => {
  const url = new URL(location);
  return { url, query: Object.fromEntries(url.searchParams), originalQuery: url.search.slice(1) };
};

describe('SAML single logout', () => {
  let gatehouse: TestGatehouse;
  let sp1: SAML;
  let sp2: SAML;
  let logoutTokens: string[];
  let receiver: http.Server;
  let rp: oidc.Configuration;

  beforeAll(async () => {
    logoutTokens = [];
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk));
      req.on('end', () => {
        logoutTokens.push(new URLSearchParams(body).get('logout_token') ?? '');
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    gatehouse = await startGatehouse({ env: { LOGIN_RATE_LIMIT: '1000' } });
    const { core } = gatehouse.running;
    await seedWebApp(core);
    await core.clients.create({
      client_id: 'bc-app', client_secret: 'bc-app-secret-0123456789abcdef', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code'],
      response_types: ['code'], first_party: true, backchannel_logout_uri: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/logout`,
    });
    rp = await discover(gatehouse.issuer, 'bc-app', 'bc-app-secret-0123456789abcdef');
    await core.saml.registry.save(fixture('sp-metadata.xml'));
    await core.saml.registry.save(fixture('second-sp-metadata.xml'));
    const idpCert = (await import('node:fs')).readFileSync(core.config.saml.certFile, 'utf8');
    const slo = { logoutUrl: `${gatehouse.issuer}/saml/slo` };
    sp1 = nodeSamlSp(gatehouse.issuer, idpCert, { ...slo, logoutCallbackUrl: 'https://sp.example.com/slo' });
    sp2 = nodeSamlSp(gatehouse.issuer, idpCert, {
      ...slo, issuer: 'https://second-sp.example.com/metadata', audience: 'https://second-sp.example.com/metadata', callbackUrl: 'https://second-sp.example.com/acs',
      privateKey: fixture('other-signing.key'), decryptionPvk: undefined, identifierFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      logoutCallbackUrl: 'https://second-sp.example.com/slo',
    });
  });
  afterAll(async () => {
    await gatehouse.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  /** Signs a browser in with OIDC, then into both SPs; answers their profiles. */
  const signedInEverywhere = async () => {
    const { browser } = await authorize(rp, ALICE, { scope: 'openid' });
    const sso = async (sp: SAML) => (await sp.validatePostResponseAsync({
      SAMLResponse: samlPostForm(await browser.follow(await sp.getAuthorizeUrlAsync('', undefined, {}))).SAMLResponse,
    })).profile!;
    return { browser, profile1: await sso(sp1), profile2: await sso(sp2) };
  };
  const silentSignIn = async (browser: Browser) => {
    const url = oidc.buildAuthorizationUrl(rp, { redirect_uri: REDIRECT_URI, scope: 'openid', prompt: 'none', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' });
    return new URL((await browser.follow(url.href, (l) => l.startsWith(REDIRECT_URI))).url).searchParams.get('error');
  };

  it('an SP\'s LogoutRequest ends the session, logs out the other SP and the OIDC clients, then answers the SP', async () => {
    const { browser, profile1, profile2 } = await signedInEverywhere();
    expect(await silentSignIn(browser)).toBeNull(); // signed in
    const tokensBefore = logoutTokens.length;

    const started = await browser.request(await sp1.getLogoutUrlAsync(profile1, 'after-logout', {}));
    expect(started.status).toBe(302);
    const toSp2 = queryOf(started.headers.get('location')!);
    expect(toSp2.url.origin + toSp2.url.pathname).toBe('https://second-sp.example.com/slo');
    const request = await sp2.validateRedirectAsync(toSp2.query, toSp2.originalQuery); // signed by the IdP, for SP 2's user
    expect(request).toMatchObject({ loggedOut: true, profile: { nameID: profile2.nameID } });

    const answered = await browser.request(await sp2.getLogoutResponseUrlAsync(request.profile!, '', {}, true));
    const toSp1 = queryOf(answered.headers.get('location')!);
    expect(toSp1.url.origin + toSp1.url.pathname).toBe('https://sp.example.com/slo');
    expect(toSp1.query.RelayState).toBe('after-logout');
    expect(await sp1.validateRedirectAsync(toSp1.query, toSp1.originalQuery)).toMatchObject({ loggedOut: true });

    expect(await silentSignIn(browser)).toBe('login_required');
    expect(logoutTokens.length).toBe(tokensBefore + 1);
  });

  it('an OIDC logout logs out the session\'s SAML SPs before it finishes', async () => {
    const { browser } = await signedInEverywhere();
    const confirm = await browser.follow(`${gatehouse.issuer}/session/end`);
    expect(confirm.body).toContain('Sign out?');
    const ended = await browser.request(formAction(confirm.body, confirm.url), { form: { xsrf: hiddenField(confirm.body, 'xsrf'), logout: 'yes' } });
    const first = queryOf(ended.headers.get('location')!);
    expect(first.url.pathname).toBe('/slo');
    const spOf = first.url.host === 'sp.example.com' ? sp1 : sp2;
    const request = await spOf.validateRedirectAsync(first.query, first.originalQuery);
    const next = await browser.request(await spOf.getLogoutResponseUrlAsync(request.profile!, '', {}, true));
    const second = queryOf(next.headers.get('location')!);
    const otherSp = spOf === sp1 ? sp2 : sp1;
    const other = await otherSp.validateRedirectAsync(second.query, second.originalQuery);
    const last = await browser.request(await otherSp.getLogoutResponseUrlAsync(other.profile!, '', {}, true));
    expect(new URL(last.headers.get('location')!).pathname).toBe('/session/end/success');
    expect(await silentSignIn(browser)).toBe('login_required');
  });

  it('refuses an unsigned LogoutRequest and a LogoutResponse that answers nothing of ours', async () => {
    const { profile1 } = await signedInEverywhere();
    const url = new URL(await sp1.getLogoutUrlAsync(profile1, '', {}));
    url.searchParams.delete('Signature');
    url.searchParams.delete('SigAlg');
    const unsigned = await new Browser().request(url.href);
    expect(unsigned.status).toBe(400);
    expect(unsigned.body).toContain('it is not signed');
    const stray = await new Browser().request(await sp1.getLogoutResponseUrlAsync(profile1, '', {}, true));
    expect(stray.status).toBe(400);
    expect(stray.body).toContain('answers no logout request of ours');
  });
});
