import * as oidc from 'openid-client';
import { Browser } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover, REDIRECT_URI, submitLogin } from '../../helpers/relying-party.ts';
import { ALICE, seedWebApp, WEB_APP } from '../../helpers/seed.ts';

describe('consent', () => {
  let gatehouse: TestGatehouse;

  beforeAll(async () => {
    gatehouse = await startGatehouse();
    await seedWebApp(gatehouse.running.core);
    await gatehouse.running.core.clients.create({
      client_id: 'intranet', client_secret: 'intranet-secret-0123456789abcdef', redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code'], response_types: ['code'], first_party: true,
    });
  });
  afterAll(() => gatehouse.close());

  const start = async (clientId: string, secret: string) => {
    const rp = await discover(gatehouse.issuer, clientId, secret);
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT_URI, scope: 'openid email', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256',
    });
    const browser = new Browser();
    const atCallback = (l: string) => l.startsWith(REDIRECT_URI);
    const page = await submitLogin(browser, await browser.follow(url.href), ALICE, atCallback);
    return { browser, page };
  };

  it('asks before releasing claims to a third-party client, in words', async () => {
    const { page } = await start(WEB_APP.id, WEB_APP.secret);
    expect(page.body).toContain('Allow access?');
    expect(page.body).toContain('See your email address');
    expect(page.body).toContain(ALICE.email);
  });

  it('skips consent for a first-party client', async () => {
    const { page } = await start('intranet', 'intranet-secret-0123456789abcdef');
    expect(page.url.startsWith(REDIRECT_URI)).toBe(true);
    expect(new URL(page.url).searchParams.get('code')).toBeTruthy();
  });

  it('returns access_denied to the client when the user denies', async () => {
    const { browser, page } = await start(WEB_APP.id, WEB_APP.secret);
    const deny = page.body.match(/href="([^"]+\/abort)"/)![1]!;
    const end = await browser.follow(new URL(deny, page.url).href, (l) => l.startsWith(REDIRECT_URI));
    expect(new URL(end.url).searchParams.get('error')).toBe('access_denied');
  });

  it('remembers consent: a second sign-in for the same scopes goes straight back', async () => {
    const rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
    const first = await authorize(rp, ALICE, { scope: 'openid email' });
    const again = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT_URI, scope: 'openid email', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256',
    });
    const page = await first.browser.follow(again.href, (l) => l.startsWith(REDIRECT_URI));
    expect(new URL(page.url).searchParams.get('code')).toBeTruthy();
  });
});
