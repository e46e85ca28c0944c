import * as oidc from 'openid-client';
import { Browser, hiddenFields, type Page } from '../../helpers/browser.ts';
import { startGatehouse, STORAGE_KINDS, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { discover, REDIRECT_URI } from '../../helpers/relying-party.ts';
import { seedWebApp, WEB_APP } from '../../helpers/seed.ts';
import { SoftwareAuthenticator } from '../../helpers/software-authenticator.ts';

const atCallback = (l: string) => l.startsWith(REDIRECT_URI);
const LOGIN_FORM = /action="(\/interaction\/[\w-]+)\/login"/;

/** Posts JSON as the page's script does; answers the status and body. */
async function postJson(browser: Browser, url: string, body: object): Promise<{ status: number; body: Record<string, unknown> }> {
  const page = await browser.request(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  return { status: page.status, body: JSON.parse(page.body) as Record<string, unknown> };
}

describe.each(STORAGE_KINDS)('passkeys over HTTP (%s)', (storage) => {
  let gatehouse: TestGatehouse;
  let rp: oidc.Configuration;
  let n = 0;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ storage, env: { LOGIN_RATE_LIMIT: '1000' } });
    await seedWebApp(gatehouse.running.core);
    rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
  });
  afterAll(() => gatehouse.close());

  const authenticator = () => new SoftwareAuthenticator(new URL(gatehouse.issuer).hostname, new URL(gatehouse.issuer).origin);

  /** A new account, signed in to /account in a browser, with a passkey from this authenticator. */
  const accountWithPasskey = async (device = authenticator()) => {
    const email = `keyholder${++n}@example.com`;
    await gatehouse.running.core.accounts.create({ email, password: 'a perfectly fine passphrase', emailVerified: true });
    const browser = new Browser();
    let page = await browser.follow(`${gatehouse.issuer}/account`);
    const login = page.body.match(LOGIN_FORM)![1]!;
    page = await browser.follow(`${gatehouse.issuer}${login}/login`, undefined, {
      form: { csrf: hiddenFields(page.body).csrf!, email, password: 'a perfectly fine passphrase' },
    });
    const csrf = page.body.match(/data-passkey="register"[^>]*data-csrf="([^"]+)"/)![1]!;
    const options = await postJson(browser, `${gatehouse.issuer}/account/passkeys/options`, { csrf });
    expect(options.body).toMatchObject({ rp: { id: 'localhost' === device.rpId ? 'localhost' : device.rpId }, authenticatorSelection: { residentKey: 'required', userVerification: 'required' } });
    const added = await postJson(browser, `${gatehouse.issuer}/account/passkeys`, { csrf, name: 'Key', response: device.register(options.body as never) });
    expect(added).toEqual({ status: 200, body: { location: '/account' } });
    const account = await gatehouse.running.core.accounts.findByEmail(email);
    return { email, device, accountId: account!.id, browser, csrf };
  };

  /** Opens a sign-in at the web app; answers the login page and its interaction path. */
  const openLogin = async (browser = new Browser()) => {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const page = await browser.follow(url.href, atCallback);
    const path = page.body.match(LOGIN_FORM)![1]!;
    return { browser, verifier, page, base: `${gatehouse.issuer}${path}`, csrf: hiddenFields(page.body).csrf! };
  };
  const finish = async (browser: Browser, location: string, verifier: string) => {
    let page: Page = await browser.follow(new URL(location, gatehouse.issuer).href, atCallback);
    if (page.body.includes('Allow access')) {
      const action = page.body.match(/action="([^"]+\/consent)"/)![1]!;
      page = await browser.follow(new URL(action, gatehouse.issuer).href, atCallback, { form: hiddenFields(page.body) });
    }
    return (await oidc.authorizationCodeGrant(rp, new URL(page.url), { pkceCodeVerifier: verifier })).claims()!;
  };

  it('signs in without a password: amr hwk + user + mfa, acr mfa', async () => {
    const { device, accountId } = await accountWithPasskey();
    const { browser, verifier, base, csrf } = await openLogin();
    const options = await postJson(browser, `${base}/passkey/options`, { csrf });
    expect(options.body).toMatchObject({ rpId: device.rpId, userVerification: 'required', allowCredentials: [] }); // discoverable
    const answer = await postJson(browser, `${base}/passkey`, { csrf, response: device.authenticate(options.body as never) });
    expect(answer.status).toBe(200);
    expect(await finish(browser, String(answer.body.location), verifier)).toMatchObject({
      sub: accountId, acr: 'urn:gatehouse:acr:mfa', amr: ['hwk', 'user', 'mfa'],
    });
  });

  it.each([
    ['a wrong challenge', { challenge: Buffer.from('not the challenge that was given').toString('base64url') }],
    ['a wrong origin', { origin: 'https://evil.example' }],
  ])('refuses an assertion with %s', async (_, tamper) => {
    const { device } = await accountWithPasskey();
    const { browser, base, csrf } = await openLogin();
    const options = await postJson(browser, `${base}/passkey/options`, { csrf });
    const answer = await postJson(browser, `${base}/passkey`, { csrf, response: device.authenticate(options.body as never, tamper) });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'passkey_refused' });
    expect(String(answer.body.error_description)).toMatch(/^The passkey could not be used: /);
  });

  it('refuses a replayed assertion, an unknown passkey, a counter that goes backwards, and a request without the CSRF token', async () => {
    const { device } = await accountWithPasskey();
    const { browser, base, csrf } = await openLogin();
    let options = await postJson(browser, `${base}/passkey/options`, { csrf });
    const response = device.authenticate(options.body as never, { counter: 10 });
    const first = await postJson(browser, `${base}/passkey`, { csrf, response });
    expect(first.status).toBe(200);

    const again = await openLogin();
    const replay = await postJson(again.browser, `${again.base}/passkey`, { csrf: again.csrf, response });
    expect(replay.status).toBe(400); // no challenge was issued to this sign-in: the ceremony is spent
    options = await postJson(again.browser, `${again.base}/passkey/options`, { csrf: again.csrf });
    const backwards = await postJson(again.browser, `${again.base}/passkey`, { csrf: again.csrf, response: device.authenticate(options.body as never, { counter: 5 }) });
    expect(backwards.body.error_description).toMatch(/counter value 5 was lower than expected 10/);
    options = await postJson(again.browser, `${again.base}/passkey/options`, { csrf: again.csrf });
    const stranger = await postJson(again.browser, `${again.base}/passkey`, { csrf: again.csrf, response: authenticator().authenticate(options.body as never) });
    expect(stranger.body.error_description).toMatch(/not registered here/);
    expect((await postJson(again.browser, `${again.base}/passkey/options`, {})).status).toBe(403);
  });

  it('serves as a second factor after a password, and only the account\'s own passkey does', async () => {
    const mine = await accountWithPasskey();
    const theirs = await accountWithPasskey();
    const { browser, verifier, page, base, csrf } = await openLogin();
    const mfa = await browser.follow(`${base}/login`, atCallback, { form: { csrf, email: mine.email, password: 'a perfectly fine passphrase' } });
    expect(mfa.body).toContain('Use your passkey');
    void page;
    let options = await postJson(browser, `${base}/mfa/passkey/options`, { csrf });
    expect(options.body.allowCredentials).toEqual([{ id: mine.device.id, type: 'public-key', transports: ['internal'] }]);
    const wrong = await postJson(browser, `${base}/mfa/passkey`, { csrf, response: theirs.device.authenticate(options.body as never) });
    expect(wrong.status).toBe(400);
    options = await postJson(browser, `${base}/mfa/passkey/options`, { csrf });
    const right = await postJson(browser, `${base}/mfa/passkey`, { csrf, response: mine.device.authenticate(options.body as never) });
    expect(await finish(browser, String(right.body.location), verifier)).toMatchObject({ acr: 'urn:gatehouse:acr:mfa', amr: ['pwd', 'hwk', 'user', 'mfa'] });
  });

  it('lets people rename and remove their passkeys', async () => {
    const { browser, accountId, csrf } = await accountWithPasskey();
    const [factor] = await gatehouse.running.core.store.factors.list(accountId, 'passkey');
    const renamed = await browser.request(`${gatehouse.issuer}/account/factors/${factor!.id}/rename`, { form: { csrf, name: 'Work laptop' } });
    expect(renamed.body).toContain('value="Work laptop"');
    expect((await browser.request(`${gatehouse.issuer}/account/factors/not-a-uuid/remove`, { form: { csrf } })).status).toBe(404);
    const removed = await browser.request(`${gatehouse.issuer}/account/factors/${factor!.id}/remove`, { form: { csrf } });
    expect(removed.body).toContain('The factor is removed.');
    expect(await gatehouse.running.core.store.factors.list(accountId)).toEqual([]);
  });
});
