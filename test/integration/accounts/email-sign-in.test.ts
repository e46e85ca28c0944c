import * as oidc from 'openid-client';
import { Browser, hiddenFields, postForm, type Page } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { linkIn, startMailbox, type Mailbox } from '../../helpers/mailbox.ts';
import { discover, REDIRECT_URI } from '../../helpers/relying-party.ts';
import { seedWebApp, WEB_APP } from '../../helpers/seed.ts';

const atCallback = (l: string) => l.startsWith(REDIRECT_URI);

const post = (browser: Browser, page: Page, action: string, fields: Record<string, string> = {}) => postForm(browser, page, action, fields, atCallback);

describe('sign-in with an emailed code or link', () => {
  let gatehouse: TestGatehouse;
  let mailbox: Mailbox;
  let rp: oidc.Configuration;

  beforeAll(async () => {
    mailbox = await startMailbox();
    gatehouse = await startGatehouse({ env: { SMTP_URL: mailbox.url, EMAIL_CODE_SIGNIN: 'true', MAGIC_LINK_SIGNIN: 'true', CODE_RATE_LIMIT: '3' } });
    await seedWebApp(gatehouse.running.core);
    rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
  });
  afterAll(async () => {
    await gatehouse.close();
    await mailbox.close();
  });

  let n = 0;
  const newAccount = async () => {
    const email = `mailer${++n}@example.com`;
    await gatehouse.running.core.accounts.create({ email, password: 'a perfectly fine passphrase', emailVerified: true });
    return email;
  };
  const open = async (browser = new Browser()) => {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    return { browser, verifier, page: await browser.follow(url.href, atCallback) };
  };
  const idToken = async (page: Page, verifier: string) => {
    expect(page.url.startsWith(REDIRECT_URI)).toBe(true);
    return (await oidc.authorizationCodeGrant(rp, new URL(page.url), { pkceCodeVerifier: verifier })).claims()!;
  };
  const codeIn = async (to: string) => (await mailbox.next(to)).subject!.match(/^(\d{6}) is your/)![1]!;

  it('signs in with a code sent by email: amr otp, acr password', async () => {
    const email = await newAccount();
    const { browser, verifier, page } = await open();
    const sent = await post(browser, page, '/email-code', { email });
    expect(sent.body).toContain(`If ${email} belongs to an account, we sent it a six-digit code`);
    const done = await post(browser, sent, '/email-code/verify', { code: await codeIn(email) });
    expect(await idToken(done, verifier)).toMatchObject({ amr: ['otp'], acr: 'urn:gatehouse:acr:password' });
  });

  it('answers an unknown address like a known one, sends nothing, and accepts no code for it', async () => {
    const { browser, page } = await open();
    const sent = await post(browser, page, '/email-code', { email: 'ghost@example.com' });
    expect(sent.body).toContain('If ghost@example.com belongs to an account, we sent it a six-digit code');
    const refused = await post(browser, sent, '/email-code/verify', { code: '123456' });
    expect(refused.status).toBe(401);
    expect(mailbox.waiting('ghost@example.com')).toEqual([]);
  });

  it('binds a code to the sign-in it was sent for, uses it once, and limits wrong codes', async () => {
    const email = await newAccount();
    const first = await open();
    const sent = await post(first.browser, first.page, '/email-code', { email });
    const code = await codeIn(email);
    const other = await open();
    const elsewhere = await post(other.browser, await post(other.browser, other.page, '/email-code', { email }), '/email-code/verify', { code });
    expect(elsewhere.status).toBe(401);
    await codeIn(email); // the second sign-in's own code, unused
    const ok = await post(first.browser, sent, '/email-code/verify', { code });
    await idToken(ok, first.verifier);
    const again = await open();
    const reused = await post(again.browser, await post(again.browser, again.page, '/email-code', { email }), '/email-code/verify', { code });
    expect(reused.status).toBe(401);
    const right = await codeIn(email);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    const second = await post(again.browser, reused, '/email-code/verify', { code: wrong });
    const third = await post(again.browser, second, '/email-code/verify', { code: wrong });
    const blocked = await post(again.browser, third, '/email-code/verify', { code: right });
    // CODE_RATE_LIMIT=3: the third wrong code since the last success locks code entry, the right code too
    expect([second.status, third.status, blocked.status]).toEqual([401, 429, 429]);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(800);
  });

  it('signs in with a link, once, only in the browser that asked for it', async () => {
    const email = await newAccount();
    const { browser, verifier, page } = await open();
    const asked = await browser.follow(new URL(`/interaction/${new URL(page.url).pathname.split('/')[2]}/magic-link`, page.url).href, atCallback, {
      form: { csrf: hiddenFields(page.body).csrf!, email },
    });
    expect(asked.body).toContain(`If ${email} belongs to an account, we sent it a sign-in link`);
    const link = linkIn(await mailbox.next(email), `${gatehouse.issuer}/interaction/`);

    const stranger = await new Browser().request(link);
    expect(stranger.status).toBe(400); // no interaction cookie: the link is no use elsewhere

    const confirm = await browser.request(link);
    expect(confirm.body).toContain('>Sign in</button>');
    const done = await post(browser, confirm, '/magic');
    expect(await idToken(done, verifier)).toMatchObject({ amr: ['otp'] });
  });

  it('verifies the address of a signed-in account through a mailed link, once', async () => {
    const { core } = gatehouse.running;
    await core.accounts.create({ email: 'unverified@example.com', password: 'a perfectly fine passphrase' });
    const browser = new Browser();
    let page = await browser.follow(`${gatehouse.issuer}/account`);
    page = await post(browser, page, '/login', { email: 'unverified@example.com', password: 'a perfectly fine passphrase' });
    expect(page.body).toContain('not verified');
    page = await post(browser, page, '/account/verify-email');
    expect(page.body).toContain('We sent you a link');
    const link = linkIn(await mailbox.next('unverified@example.com'), `${gatehouse.issuer}/verify-email`);
    const done = await post(browser, await browser.request(link), '/verify-email');
    expect(done.body).toContain('Email address verified');
    expect(await core.accounts.findByEmail('unverified@example.com')).toMatchObject({ emailVerified: true });
    expect((await post(browser, await browser.request(link), '/verify-email')).status).toBe(400);
  });
});

describe('sign-in by email when it is not configured', () => {
  it('offers neither codes nor links', async () => {
    const gatehouse = await startGatehouse();
    try {
      await seedWebApp(gatehouse.running.core);
      const rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
      const browser = new Browser();
      const page = await browser.follow(oidc.buildAuthorizationUrl(rp, {
        redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256',
      }).href);
      expect(page.body).not.toContain('without a password');
      const uid = new URL(page.url).pathname.split('/')[2];
      const answer = await browser.request(`${gatehouse.issuer}/interaction/${uid}/email-code`, { form: { csrf: hiddenFields(page.body).csrf!, email: 'a@example.com' } });
      expect(answer.status).toBe(404);
    } finally {
      await gatehouse.close();
    }
  });
});
