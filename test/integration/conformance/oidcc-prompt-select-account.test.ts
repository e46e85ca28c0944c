// prompt=select_account (OIDC Core §3.1.2.1): an account chooser before going on.
import * as oidc from 'openid-client';
import { Browser, formAction, hiddenField } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover, REDIRECT_URI, submitLogin } from '../../helpers/relying-party.ts';
import { ALICE } from '../../helpers/seed.ts';

const BOB = { email: 'bob@example.com', password: 'bobs long passphrase' };
const atCallback = (l: string) => l.startsWith(REDIRECT_URI);
let gatehouse: TestGatehouse;
let rp: oidc.Configuration;

beforeAll(async () => {
  gatehouse = await startGatehouse();
  const { core } = gatehouse.running;
  await core.accounts.create({ ...ALICE, emailVerified: true });
  await core.accounts.create({ ...BOB, emailVerified: true });
  await core.clients.create({
    client_id: 'app', client_secret: 'app-secret-0123456789abcdef', redirect_uris: [REDIRECT_URI], first_party: true,
    grant_types: ['authorization_code'], response_types: ['code'],
  });
  rp = await discover(gatehouse.issuer, 'app', 'app-secret-0123456789abcdef');
});
afterAll(() => gatehouse.close());

const verifier = oidc.randomPKCECodeVerifier();
const chooseUrl = async (prompt = 'select_account') => oidc.buildAuthorizationUrl(rp, {
  redirect_uri: REDIRECT_URI, scope: 'openid', prompt, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
}).href;
const subjectAt = async (url: string) => (await oidc.authorizationCodeGrant(rp, new URL(url), { pkceCodeVerifier: verifier })).claims()!.sub;

describe('oidcc-prompt-select-account', () => {
  it('offers to continue as the signed-in account', async () => {
    const { browser, callback, verifier: v, nonce, state } = await authorize(rp, ALICE, { scope: 'openid' });
    const aliceSub = (await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: v, expectedNonce: nonce, expectedState: state })).claims()!.sub;
    const chooser = await browser.follow(await chooseUrl(), atCallback);
    expect(chooser.body).toContain(`Continue as ${ALICE.email}`);
    const done = await browser.follow(formAction(chooser.body, chooser.url), atCallback, { form: { csrf: hiddenField(chooser.body, 'csrf') } });
    expect(await subjectAt(done.url)).toBe(aliceSub);
  });

  it('lets the user sign in as another account instead', async () => {
    const { browser } = await authorize(rp, ALICE, { scope: 'openid' });
    const chooser = await browser.follow(await chooseUrl(), atCallback);
    const another = chooser.body.match(/href="([^"]+another=1)"/)![1]!.replace(/&amp;/g, '&');
    const login = await browser.request(new URL(another, chooser.url).href);
    const switched = await submitLogin(browser, login, BOB, atCallback);
    // Alice's session ends first: the page posts itself (a script allowed by its CSP hash); do what the browser does
    expect(switched.body).toContain('/session/end/confirm');
    const fields = Object.fromEntries([...switched.body.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const done = await browser.follow(formAction(switched.body, switched.url), atCallback, { form: fields });
    const bob = await gatehouse.running.core.accounts.findByEmail(BOB.email);
    expect(await subjectAt(done.url)).toBe(bob!.id);
  });

  it('asks for a sign-in when nobody is signed in', async () => {
    const page = await new Browser().follow(await chooseUrl(), atCallback);
    expect(page.body).toContain('name="password"');
    expect(page.body).not.toContain('Continue as');
  });
});
