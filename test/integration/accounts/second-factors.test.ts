import { generateSync } from 'otplib';
import * as oidc from 'openid-client';
import { Browser, formAction, hiddenFields, postForm, type Page } from '../../helpers/browser.ts';
import { startGatehouse, STORAGE_KINDS, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { startMailbox, type Mailbox } from '../../helpers/mailbox.ts';
import { discover, REDIRECT_URI } from '../../helpers/relying-party.ts';
import { seedWebApp, WEB_APP } from '../../helpers/seed.ts';

const LOGIN_FORM = /action="\/interaction\/[\w-]+\/login"/;
const ACR_MFA = 'urn:gatehouse:acr:mfa';
const ACR_PASSWORD = 'urn:gatehouse:acr:password';

const post = postForm;

const code = (secret: string, offsetSteps = 0) => generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });

describe.each(STORAGE_KINDS)('second factors (%s)', (storage) => {
  let gatehouse: TestGatehouse;
  let mailbox: Mailbox;
  let rp: oidc.Configuration;
  let n = 0;

  beforeAll(async () => {
    mailbox = await startMailbox();
    gatehouse = await startGatehouse({ storage, env: { SMTP_URL: mailbox.url, LOGIN_RATE_LIMIT: '1000', CODE_RATE_LIMIT: '3' } });
    await seedWebApp(gatehouse.running.core);
    rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
  });
  afterAll(async () => {
    await gatehouse.close();
    await mailbox.close();
  });

  const newAccount = async () => {
    const email = `user${++n}@example.com`;
    await gatehouse.running.core.accounts.create({ email, password: 'a perfectly fine passphrase', emailVerified: true });
    return { email, password: 'a perfectly fine passphrase' };
  };
  const atCallback = (l: string) => l.startsWith(REDIRECT_URI);

  /** Starts a sign-in at the web app in this browser and posts the password; answers the page that follows. */
  const signIn = async (who: { email: string; password: string }, extra: Record<string, string> = {}, browser = new Browser()) => {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
    });
    let page = await browser.follow(url.href, atCallback);
    if (LOGIN_FORM.test(page.body)) page = await post(browser, page, '/login', { email: who.email, password: who.password }, atCallback);
    return { page, verifier, browser };
  };
  const idToken = async (page: Page, verifier: string) => {
    expect(page.url.startsWith(REDIRECT_URI)).toBe(true);
    return (await oidc.authorizationCodeGrant(rp, new URL(page.url), { pkceCodeVerifier: verifier })).claims()!;
  };
  /** Opens /account, signing in through the login (and second factor) pages on the way. */
  const accountPage = async (browser: Browser, who: { email: string; password: string }, secondFactor?: (page: Page) => Promise<Page>) => {
    let page = await browser.follow(`${gatehouse.issuer}/account`);
    if (LOGIN_FORM.test(page.body)) page = await post(browser, page, '/login', { email: who.email, password: who.password });
    if (page.body.includes('Confirm it is you')) page = await secondFactor!(page);
    expect(page.body).toContain('<h1>Your account</h1>');
    return page;
  };
  /** Enrols an authenticator app from the account page; answers its secret and the recovery codes. */
  const enrolTotp = async (browser: Browser, who: { email: string; password: string }) => {
    const account = await accountPage(browser, who);
    const setup = await post(browser, account, '/account/totp');
    const secret = setup.body.match(/<code class="secret">([A-Z2-7]+)<\/code>/)![1]!;
    expect(setup.body).toMatch(/<img class="qr" src="data:image\/svg\+xml;base64,/);
    const wrong = await post(browser, setup, '/account/totp/confirm', { code: code(secret) === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('does not match');
    const done = await post(browser, wrong, '/account/totp/confirm', { code: code(secret, -1), name: 'Phone' });
    if (!done.body.includes('<ol class="codes">')) throw new Error(done.body.slice(done.body.indexOf('<h1')));
    const codes = [...done.body.matchAll(/<li>([a-z0-9]{5}-[a-z0-9]{5})<\/li>/g)].map((m) => m[1]!);
    expect(codes).toHaveLength(10);
    return { secret, codes };
  };
  const emailCode = async (to: string) => (await mailbox.next(to)).subject!.match(/^(\d{6}) is your/)![1]!;

  it('a password alone gives acr password and amr pwd', async () => {
    const { page, verifier } = await signIn(await newAccount());
    expect(await idToken(page, verifier)).toMatchObject({ acr: ACR_PASSWORD, amr: ['pwd'] });
  });

  it('enrols an authenticator app, then asks for its code at every sign-in and refuses a code used twice', async () => {
    const who = await newAccount();
    const { secret } = await enrolTotp(new Browser(), who);

    const first = await signIn(who);
    expect(first.page.body).toContain('Code from your authenticator app');
    expect(first.page.headers.get('location')).toBeNull();
    const now = code(secret);
    const ok = await post(first.browser, first.page, '/mfa', { code: now }, atCallback);
    expect(await idToken(ok, first.verifier)).toMatchObject({ acr: ACR_MFA, amr: ['pwd', 'otp', 'mfa'] });

    const replay = await signIn(who);
    const refused = await post(replay.browser, replay.page, '/mfa', { code: now }, atCallback);
    expect(refused.status).toBe(401);
    expect(refused.body).toContain('That code is not valid');
    const next = await post(replay.browser, refused, '/mfa', { code: code(secret, 1) }, atCallback);
    expect(await idToken(next, replay.verifier)).toMatchObject({ acr: ACR_MFA });

    // the audit log holds the enrolment, each use of the factor, and the refused code
    const { id } = (await gatehouse.running.core.accounts.findByEmail(who.email))!;
    const audit = (await gatehouse.running.core.store.audit.read(1, 10_000)).filter((r) => r.actor === id);
    expect(audit.find((r) => r.action === 'factor_added')?.detail).toMatchObject({ factor: 'totp', name: 'Phone' });
    expect(audit.filter((r) => r.action === 'sign_in').map((r) => r.detail.amr)).toContainEqual(['pwd', 'otp', 'mfa']);
    expect(audit.find((r) => r.action === 'mfa_failed')?.detail).toMatchObject({ method: 'totp', reason: expect.any(String), ip: expect.any(String) });
  });

  it('steps up a session that began before its account enrolled a factor', async () => {
    const who = await newAccount();
    const browser = new Browser();
    const { secret } = await enrolTotp(browser, who); // signed in with the password alone, then enrolled
    const { page, verifier } = await signIn(who, {}, browser);
    expect(page.url.startsWith(REDIRECT_URI)).toBe(false);
    expect(page.body).toContain('Code from your authenticator app');
    const done = await post(browser, page, '/mfa', { code: code(secret) }, atCallback);
    expect(await idToken(done, verifier)).toMatchObject({ acr: ACR_MFA, amr: ['pwd', 'otp', 'mfa'] });
  });

  it('accepts each recovery code once', async () => {
    const who = await newAccount();
    const { codes } = await enrolTotp(new Browser(), who);
    const first = await signIn(who);
    const ok = await post(first.browser, first.page, '/mfa', { method: 'recovery', code: codes[0]!.toUpperCase() }, atCallback);
    expect(await idToken(ok, first.verifier)).toMatchObject({ acr: ACR_MFA, amr: ['pwd', 'otp', 'mfa'] });
    const again = await signIn(who);
    const refused = await post(again.browser, again.page, '/mfa', { method: 'recovery', code: codes[0]! }, atCallback);
    expect(refused.status).toBe(401);
    expect(refused.body).toContain('not valid or was already used');
  });

  it('limits wrong codes per account, whatever the browser, and says when to retry', async () => {
    const who = await newAccount();
    const { secret } = await enrolTotp(new Browser(), who);
    const statuses = [];
    for (let i = 0; i < 4; i++) { // CODE_RATE_LIMIT=3: the third wrong code locks code entry
      const attempt = await signIn(who);
      const wrong = String((Number(code(secret)) + 500_000) % 1_000_000).padStart(6, '0');
      const answer = await post(attempt.browser, attempt.page, '/mfa', { code: wrong }, atCallback);
      statuses.push(answer.status);
      if (answer.status === 429) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([401, 401, 429, 429]);
    const blocked = await signIn(who);
    expect((await post(blocked.browser, blocked.page, '/mfa', { code: code(secret, 1) }, atCallback)).status).toBe(429); // even the right one
  });

  it('steps a password session up when a client sends acr_values, with an email code for an account without a factor', async () => {
    const who = await newAccount();
    const first = await signIn(who);
    expect(await idToken(first.page, first.verifier)).toMatchObject({ acr: ACR_PASSWORD });

    const stepUp = await signIn(who, { acr_values: ACR_MFA }, first.browser);
    expect(stepUp.page.body).toContain('Confirm it is you'); // no password asked again: the session is there
    const sent = await post(stepUp.browser, stepUp.page, '/mfa/email');
    expect(sent.body).toContain(`We sent a code to ${who.email}`);
    const mailed = await emailCode(who.email);
    const done = await post(stepUp.browser, sent, '/mfa', { method: 'email_code', code: mailed }, atCallback);
    expect(await idToken(done, stepUp.verifier)).toMatchObject({ acr: ACR_MFA, amr: ['pwd', 'otp', 'mfa'] });

    // the stepped-up session meets acr_values from now on, without asking again
    const later = await signIn(who, { acr_values: ACR_MFA }, first.browser);
    expect(await idToken(later.page, later.verifier)).toMatchObject({ acr: ACR_MFA });
    // and the email code was used up
    const other = await signIn(who, { acr_values: ACR_MFA });
    const reused = await post(other.browser, await post(other.browser, other.page, '/mfa/email'), '/mfa', { method: 'email_code', code: mailed }, atCallback);
    expect(reused.status).toBe(401);
  });

  it('asks a risky sign-in (new browser after failures) for a second factor, and shows why on the security page', async () => {
    const who = await newAccount();
    const home = new Browser();
    const usual = await signIn(who, {}, home);
    await idToken(usual.page, usual.verifier);
    for (let i = 0; i < 3; i++) {
      const failed = await signIn({ ...who, password: `a wrong guess ${i}` });
      expect(failed.page.status).toBe(401);
    }
    const risky = await signIn(who);
    expect(risky.page.body).toContain('looks different from your usual ones');
    const sent = await post(risky.browser, risky.page, '/mfa/email');
    const done = await post(risky.browser, sent, '/mfa', { method: 'email_code', code: await emailCode(who.email) }, atCallback);
    expect(await idToken(done, risky.verifier)).toMatchObject({ acr: ACR_MFA });

    const security = await accountPage(home, who);
    expect(security.body).toMatch(/risk decision: score 60, second factor asked/);
    expect(security.body).toContain('this browser has not signed in to the account before (+30)');
    expect(security.body).toContain('3 failed sign-ins for the account in the last hour (+30)');
    expect(await (await fetch(`${gatehouse.issuer}/metrics`)).text()).toMatch(/^gatehouse_mfa_challenges_total\{reason="risk"\} [1-9]/m);
  });

  it('lists sessions and signs out the others', async () => {
    const who = await newAccount();
    const laptop = new Browser();
    const phone = new Browser();
    await accountPage(phone, who);
    const page = await accountPage(laptop, who);
    expect(page.body.match(/Sign out<\/button>/g)).toHaveLength(2);
    expect(page.body).toContain('(this session)');
    const after = await post(laptop, page, '/account/sessions/end-others');
    expect(after.body).toContain('1 other session(s) signed out');
    const phoneAgain = await phone.follow(`${gatehouse.issuer}/account`);
    expect(phoneAgain.body).toMatch(LOGIN_FORM); // signed out: asked to sign in
    expect((await laptop.follow(`${gatehouse.issuer}/account`)).body).toContain('<h1>Your account</h1>');
  });

  it('refuses account forms without a session or without the CSRF token', async () => {
    const who = await newAccount();
    const browser = new Browser();
    const page = await accountPage(browser, who);
    const forged = await browser.request(`${gatehouse.issuer}/account/totp`, { form: { csrf: 'forged' } });
    expect(forged.status).toBe(403);
    const anonymous = await new Browser().request(formAction(page.body, page.url), { form: hiddenFields(page.body) });
    expect(anonymous.status).toBe(401);
  });

  it('changes the password only with the current one, refuses a weak one, and signs out the other sessions', async () => {
    const who = await newAccount();
    const elsewhere = new Browser();
    await accountPage(elsewhere, who);
    const browser = new Browser();
    const page = await accountPage(browser, who);
    const change = (fields: Record<string, string>) => post(browser, page, '/account/password', fields);
    const wrong = await change({ current_password: 'not my password at all', password: 'my next passphrase', password_confirm: 'my next passphrase' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('Your current password is not right.');
    const weak = await change({ current_password: who.password, password: 'iloveyou2024', password_confirm: 'iloveyou2024' });
    expect(weak.status).toBe(400);
    expect(weak.body).toContain('too common');
    const done = await change({ current_password: who.password, password: 'my next passphrase', password_confirm: 'my next passphrase' });
    expect(done.body).toContain('Your password is changed; your other sessions were signed out.');
    expect((await elsewhere.follow(`${gatehouse.issuer}/account`)).body).toMatch(LOGIN_FORM);
    expect((await browser.follow(`${gatehouse.issuer}/account`)).body).toContain('<h1>Your account</h1>');
    const { page: after, verifier } = await signIn({ email: who.email, password: 'my next passphrase' });
    await idToken(after, verifier);
  });

  it('limits wrong codes while setting up an authenticator app', async () => {
    const who = await newAccount();
    const browser = new Browser();
    const setup = await post(browser, await accountPage(browser, who), '/account/totp');
    const secret = setup.body.match(/<code class="secret">([A-Z2-7]+)<\/code>/)![1]!;
    const wrong = String((Number(code(secret)) + 500_000) % 1_000_000).padStart(6, '0');
    const statuses = [];
    let page = setup;
    for (let i = 0; i < 4; i++) {
      page = await post(browser, page, '/account/totp/confirm', { code: i === 3 ? code(secret) : wrong });
      statuses.push(page.status);
    }
    expect(statuses).toEqual([400, 400, 429, 429]);
  });
});
