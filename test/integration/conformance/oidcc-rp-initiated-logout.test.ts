// Mirrors modules of the OpenID Foundation's RP-initiated logout test plan.
import * as oidc from 'openid-client';
import { formAction, hiddenField, type Browser } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover, REDIRECT_URI } from '../../helpers/relying-party.ts';
import { ALICE } from '../../helpers/seed.ts';

const BYE = 'http://127.0.0.1:9/bye';
let gatehouse: TestGatehouse;
let rp: oidc.Configuration;

beforeAll(async () => {
  gatehouse = await startGatehouse();
  await gatehouse.running.core.accounts.create({ ...ALICE, emailVerified: true });
  await gatehouse.running.core.clients.create({
    client_id: 'portal', client_secret: 'portal-secret-0123456789abcdef', redirect_uris: [REDIRECT_URI], post_logout_redirect_uris: [BYE],
    grant_types: ['authorization_code'], response_types: ['code'], first_party: true,
  });
  rp = await discover(gatehouse.issuer, 'portal', 'portal-secret-0123456789abcdef');
});
afterAll(() => gatehouse.close());

async function signedIn(): Promise<{ browser: Browser; idToken: string }> {
  const { callback, verifier, nonce, state, browser } = await authorize(rp, ALICE, { scope: 'openid' });
  const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
  return { browser, idToken: tokens.id_token! };
}

/** Opens the end-session endpoint, confirms, and returns where the browser ends up. */
async function logOut(browser: Browser, params: Record<string, string>) {
  const confirm = await browser.follow(oidc.buildEndSessionUrl(rp, params).href);
  if (confirm.status !== 200 || !confirm.body.includes('op.logoutForm')) return confirm;
  return browser.follow(formAction(confirm.body, confirm.url), (l) => l.startsWith(BYE), { form: { xsrf: hiddenField(confirm.body, 'xsrf'), logout: 'yes' } });
}

describe('oidcc-rp-initiated-logout', () => {
  it('oidcc-rp-initiated-logout: returns to the post-logout URI with the state', async () => {
    const { browser, idToken } = await signedIn();
    const end = await logOut(browser, { id_token_hint: idToken, post_logout_redirect_uri: BYE, state: 'xyz' });
    expect(end.url).toBe(`${BYE}?state=xyz`);
  });

  it('oidcc-rp-initiated-logout-no-state: returns without a state', async () => {
    const { browser, idToken } = await signedIn();
    expect((await logOut(browser, { id_token_hint: idToken, post_logout_redirect_uri: BYE })).url).toBe(BYE);
  });

  it('oidcc-rp-initiated-logout-query-added-to-post-logout-redirect-uri: refuses a URI that is not registered exactly', async () => {
    const { browser, idToken } = await signedIn();
    const page = await browser.request(oidc.buildEndSessionUrl(rp, { id_token_hint: idToken, post_logout_redirect_uri: `${BYE}?extra=1` }).href);
    expect(page.status).toBe(400);
    expect(page.headers.get('location')).toBeNull();
  });

  it('oidcc-rp-initiated-logout-bad-id-token-hint: refuses an ID token that does not verify', async () => {
    const { browser, idToken } = await signedIn();
    const [header, payload] = idToken.split('.');
    const page = await browser.request(oidc.buildEndSessionUrl(rp, { id_token_hint: `${header}.${payload}.invalidsignature`, post_logout_redirect_uri: BYE }).href);
    expect(page.status).toBe(400);
    expect(page.body).toContain('id_token_hint');
  });

  it('oidcc-rp-initiated-logout-no-id-token-hint: with client_id instead, still asks and returns', async () => {
    const { browser } = await signedIn();
    const end = await logOut(browser, { client_id: 'portal', post_logout_redirect_uri: BYE, state: 'abc' });
    expect(end.url).toBe(`${BYE}?state=abc`);
  });

  it('oidcc-rp-initiated-logout-no-post-logout-redirect-uri: ends on Gatehouse\'s own page', async () => {
    const { browser, idToken } = await signedIn();
    const end = await logOut(browser, { id_token_hint: idToken });
    expect(end.status).toBe(200);
    expect(end.body).toContain('You are signed out');
  });
});
