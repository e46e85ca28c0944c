import os from 'node:os';
import argon2 from 'argon2';
import * as oidc from 'openid-client';
import { Browser, formAction, hiddenField, type Page } from '../../helpers/browser.ts';
import { startGatehouse, STORAGE_KINDS, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover, REDIRECT_URI } from '../../helpers/relying-party.ts';
import { ALICE, seedWebApp, WEB_APP } from '../../helpers/seed.ts';

/** Opens a login page for the web app; each call is a new browser and a new interaction. */
async function openLogin(gatehouse: TestGatehouse): Promise<{ browser: Browser; page: Page }> {
  const rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
  const url = oidc.buildAuthorizationUrl(rp, {
    redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256',
  });
  const browser = new Browser();
  const page = await browser.follow(url.href);
  expect(page.body).toContain('name="password"');
  return { browser, page };
}

/** Posts the login form on `page` as it is, with these fields. */
const post = (browser: Browser, page: Page, fields: Record<string, string>) =>
  browser.request(formAction(page.body, page.url), { form: { csrf: hiddenField(page.body, 'csrf'), ...fields } });

describe.each(STORAGE_KINDS)('password sign-in (%s)', (storage) => {
  let gatehouse: TestGatehouse;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ storage, env: { LOCKOUT_THRESHOLD: '3', LOCKOUT_SECONDS: '120', LOGIN_RATE_LIMIT: '1000' } });
    await seedWebApp(gatehouse.running.core);
  });
  afterAll(() => gatehouse.close());

  it('answers a wrong password and an unknown email with the same generic message', async () => {
    const { browser, page } = await openLogin(gatehouse);
    const wrongPassword = await post(browser, page, { email: ALICE.email, password: 'not the right password' });
    const unknownEmail = await post(browser, page, { email: 'nobody@example.com', password: 'not the right password' });
    for (const answer of [wrongPassword, unknownEmail]) {
      expect(answer.status).toBe(401);
      expect(answer.body).toContain('Wrong email or password.');
      expect(answer.body).toContain('name="password"'); // the form again, to retry
    }
    expect(unknownEmail.body).not.toMatch(/no (such )?account|not found|unknown/i);
  });

  it('locks an account after repeated failures, even for the right password, and says when to retry', async () => {
    await gatehouse.running.core.accounts.create({ email: 'bob@example.com', password: 'bobs correct passphrase' });
    const { browser, page } = await openLogin(gatehouse);
    for (let i = 0; i < 3; i++) {
      expect((await post(browser, page, { email: 'bob@example.com', password: `wrong guess ${i}` })).status).toBe(401);
    }
    const locked = await post(browser, page, { email: 'BOB@example.com', password: 'bobs correct passphrase' });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(locked.body).toContain('Too many failed sign-ins for this account');
    expect(locked.headers.get('location')).toBeNull();
  });

  it('rejects a login form without its CSRF token', async () => {
    const { browser, page } = await openLogin(gatehouse);
    const answer = await browser.request(formAction(page.body, page.url), { form: { email: ALICE.email, password: ALICE.password } });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('location')).toBeNull();
    const forged = await post(browser, page, { email: ALICE.email, password: ALICE.password, csrf: 'x'.repeat(43) });
    expect(forged.status).toBe(403);
  });

  it('refuses a disabled account only after the right password', async () => {
    const { core } = gatehouse.running;
    const carol = await core.accounts.create({ email: 'carol@example.com', password: 'carols long passphrase' });
    await core.store.accounts.update(carol.id, { disabled: true });
    const { browser, page } = await openLogin(gatehouse);
    expect((await post(browser, page, { email: 'carol@example.com', password: 'a wrong passphrase' })).body).toContain('Wrong email or password.');
    const right = await post(browser, page, { email: 'carol@example.com', password: 'carols long passphrase' });
    expect(right.status).toBe(403);
    expect(right.body).toContain('This account is disabled.');
  });

  it('serves the login page with strict security headers and no inline script', async () => {
    const { page } = await openLogin(gatehouse);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('cache-control')).toContain('no-store');
    expect(page.body).not.toMatch(/style="|\son[a-z]+="/i);
    // the only scripts are the passkey ceremony's, files from our own origin, nothing inline
    const scripts = page.body.match(/<script[^>]*>[\s\S]*?<\/script>/g) ?? [];
    expect(scripts).toEqual(['<script src="/assets/webauthn.js"></script>', '<script src="/assets/passkeys.js"></script>']);
  });
});

describe.each(STORAGE_KINDS)('sign-in rate limit per IP address (%s)', (storage) => {
  let gatehouse: TestGatehouse;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ storage, env: { LOGIN_RATE_LIMIT: '4', LOCKOUT_THRESHOLD: '100' } });
    await seedWebApp(gatehouse.running.core);
  });
  afterAll(() => gatehouse.close());

  it('answers 429 with Retry-After once an address makes too many attempts, across accounts', async () => {
    const { browser, page } = await openLogin(gatehouse);
    for (let i = 0; i < 4; i++) {
      expect((await post(browser, page, { email: `user${i}@example.com`, password: 'whatever it may be' })).status).toBe(401);
    }
    const limited = await post(browser, page, { email: ALICE.email, password: ALICE.password });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.body).toContain('Too many sign-in attempts');
  });
});

describe('a successful sign-in', () => {
  let gatehouse: TestGatehouse;

  beforeAll(async () => {
    // the failures here are what is tested, not a risk to answer with a second factor
    gatehouse = await startGatehouse({ env: { LOCKOUT_THRESHOLD: '3', RISK_MFA_SCORE: '200', RISK_DENY_SCORE: '300' } });
    await seedWebApp(gatehouse.running.core);
  });
  afterAll(() => gatehouse.close());

  it('clears earlier failures, so they do not add up to a lockout', async () => {
    const rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
    for (let round = 0; round < 2; round++) {
      const { browser, page } = await openLogin(gatehouse);
      for (let i = 0; i < 2; i++) await post(browser, page, { email: ALICE.email, password: 'a wrong passphrase' });
      await expect(authorize(rp, ALICE)).resolves.toBeDefined();
    }
  });
});

describe('password hashes', () => {
  let gatehouse: TestGatehouse;

  beforeAll(async () => {
    gatehouse = await startGatehouse();
    await seedWebApp(gatehouse.running.core);
  });
  afterAll(() => gatehouse.close());

  it('are upgraded to the current argon2id parameters at sign-in', async () => {
    const { core } = gatehouse.running;
    const weak = await argon2.hash('dave long passphrase', { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await core.accounts.create({ email: 'dave@example.com', passwordHash: weak });
    const rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
    await authorize(rp, { email: 'dave@example.com', password: 'dave long passphrase' });
    const { passwordHash } = (await core.accounts.findByEmail('dave@example.com'))!;
    expect(passwordHash).not.toBe(weak);
    const params = passwordHash!.split('$')[3]!.split(',').sort();
    expect(params).toEqual(['m=19456', 'p=1', 't=2']);
  });
});

describe('password hashing under load', () => {
  let gatehouse: TestGatehouse;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ env: { PASSWORD_HASH_QUEUE: '0', LOGIN_RATE_LIMIT: '1000', LOCKOUT_THRESHOLD: '1000' } });
    await seedWebApp(gatehouse.running.core);
  });
  afterAll(() => gatehouse.close());

  it('runs a bounded number of hashes at once and answers the excess 429 at once', async () => {
    const { browser, page } = await openLogin(gatehouse);
    const attempts = Array.from({ length: 3 * os.availableParallelism() + 2 }, () =>
      post(browser, page, { email: ALICE.email, password: 'a wrong passphrase' }));
    const answers = await Promise.all(attempts);
    const busy = answers.filter((a) => a.status === 429);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy[0]!.headers.get('retry-after')).toBe('1');
    expect(busy[0]!.body).toContain('Too many sign-ins in progress');
    expect(answers.some((a) => a.status === 401)).toBe(true);
  });
});
