import * as oidc from 'openid-client';
import { formAction, hiddenField } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover, REDIRECT_URI } from '../../helpers/relying-party.ts';
import { ALICE } from '../../helpers/seed.ts';

const AFTER_LOGOUT = 'http://127.0.0.1:9/signed-out';

describe('RP-initiated logout', () => {
  let gatehouse: TestGatehouse;
  let rp: oidc.Configuration;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ env: { BRAND_NAME: 'Example Corp' } });
    const { core } = gatehouse.running;
    await core.accounts.create({ ...ALICE, emailVerified: true });
    await core.clients.create({
      client_id: 'portal', client_secret: 'portal-secret-0123456789abcdef', redirect_uris: [REDIRECT_URI],
      post_logout_redirect_uris: [AFTER_LOGOUT], grant_types: ['authorization_code'], response_types: ['code'], first_party: true,
    });
    rp = await discover(gatehouse.issuer, 'portal', 'portal-secret-0123456789abcdef');
  });
  afterAll(() => gatehouse.close());

  it('asks for confirmation, ends the session and returns to the registered post-logout URI', async () => {
    const { callback, verifier, nonce, state, browser } = await authorize(rp, ALICE, { scope: 'openid' });
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });

    const endSession = oidc.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: AFTER_LOGOUT, state: 'bye' });
    const confirm = await browser.follow(endSession.href);
    expect(confirm.body).toContain('Sign out?');
    expect(confirm.body).toContain('Example Corp');
    const done = await browser.follow(formAction(confirm.body, confirm.url), (l) => l.startsWith(AFTER_LOGOUT), {
      form: { xsrf: hiddenField(confirm.body, 'xsrf'), logout: 'yes' },
    });
    expect(done.url).toBe(`${AFTER_LOGOUT}?state=bye`);

    // The session is gone: a silent authorization now needs a login.
    const silent = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT_URI, scope: 'openid', prompt: 'none', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256',
    });
    const answer = await browser.follow(silent.href, (l) => l.startsWith(REDIRECT_URI));
    expect(new URL(answer.url).searchParams.get('error')).toBe('login_required');
  });

  it('refuses a post-logout redirect URI the client did not register', async () => {
    const { callback, verifier, nonce, state, browser } = await authorize(rp, ALICE, { scope: 'openid' });
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
    const endSession = oidc.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'https://attacker.example/' });
    const page = await browser.request(endSession.href);
    expect(page.status).toBe(400);
    expect(page.headers.get('location')).toBeNull();
    expect(page.body).toContain('post_logout_redirect_uri not registered');
  });
});
