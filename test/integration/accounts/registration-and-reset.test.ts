import fs from 'node:fs';
import path from 'node:path';
import * as oidc from 'openid-client';
import { createEmailTokens } from '../../../src/accounts/email-tokens.ts';
import { simpleParser } from 'mailparser';
import { Browser, formAction, hiddenField, hiddenFields, type Page } from '../../helpers/browser.ts';
import { startGatehouse, STORAGE_KINDS, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { linkIn, startMailbox, type Mailbox } from '../../helpers/mailbox.ts';
import { authorize, discover, REDIRECT_URI } from '../../helpers/relying-party.ts';
import { ALICE, seedWebApp, WEB_APP } from '../../helpers/seed.ts';

/** Posts the first form on the page with these fields (and its hidden ones). */
const submit = (browser: Browser, page: Page, fields: Record<string, string> = {}) =>
  browser.request(formAction(page.body, page.url), { form: { ...hiddenFields(page.body), ...fields } });

describe.each(STORAGE_KINDS)('registration, email verification and password reset (%s)', (storage) => {
  let gatehouse: TestGatehouse;
  let mailbox: Mailbox;
  let rp: oidc.Configuration;

  beforeAll(async () => {
    mailbox = await startMailbox();
    gatehouse = await startGatehouse({ storage, env: { SMTP_URL: mailbox.url, ACCOUNT_REGISTRATION: 'true', LOGIN_RATE_LIMIT: '1000' } });
    await seedWebApp(gatehouse.running.core);
    rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
  });
  afterAll(async () => {
    await gatehouse.close();
    await mailbox.close();
  });

  const register = async (browser: Browser, fields: Record<string, string>) => {
    const form = await browser.request(`${gatehouse.issuer}/register`);
    expect(form.status).toBe(200);
    return submit(browser, form, fields);
  };

  it('creates the account only when the mailed link is confirmed, and then it signs in', async () => {
    const browser = new Browser();
    const email = 'Newcomer@Example.com';
    const sent = await register(browser, { name: 'New Comer', email, password: 'a brand new passphrase', password_confirm: 'a brand new passphrase' });
    expect(sent.status).toBe(200);
    expect(sent.body).toContain('Check your email');
    expect(await gatehouse.running.core.accounts.findByEmail(email)).toBeUndefined();

    const mail = await mailbox.next('newcomer@example.com');
    expect(mail.subject).toMatch(/Confirm your .* account/);
    const link = linkIn(mail, `${gatehouse.issuer}/register/confirm`);
    const confirm = await browser.request(link); // a mail scanner fetching the link uses nothing up
    expect(await gatehouse.running.core.accounts.findByEmail(email)).toBeUndefined();
    const done = await submit(browser, confirm);
    expect(done.body).toContain('Your account is ready');
    expect(await gatehouse.running.core.accounts.findByEmail(email)).toMatchObject({ name: 'New Comer', emailVerified: true });

    const again = await submit(browser, await browser.request(link));
    expect(again.status).toBe(400);
    expect(again.body).toContain('expired or was already used');

    const { callback, verifier, nonce, state } = await authorize(rp, { email, password: 'a brand new passphrase' }, { scope: 'openid email' });
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
    const claims = await oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub);
    expect(claims).toMatchObject({ email: 'newcomer@example.com', email_verified: true });
  });

  it('refuses common and breached passwords, and ones built from the name or address, with a clear message and no mail', async () => {
    for (const [password, message] of [
      ['password1234', 'too common'], ['Password2024!', 'too common'], ['123456789012', 'too common'],
      ['carol smith 1980', 'too close to your email address or name'],
    ]) {
      const answer = await register(new Browser(), { name: 'Carol Smith', email: 'carol@example.com', password: password!, password_confirm: password! });
      expect([password, answer.status]).toEqual([password, 400]);
      expect(answer.body).toContain(message);
      expect(answer.body).toContain('value="carol@example.com"'); // the form again, filled in
    }
    expect(mailbox.waiting('carol@example.com')).toEqual([]);
  });

  it('answers an address that already has an account exactly like a new one, and tells its owner by mail', async () => {
    const answer = await register(new Browser(), { name: 'Someone', email: ALICE.email, password: 'an attackers passphrase', password_confirm: 'an attackers passphrase' });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain(`We sent a link to ${ALICE.email}`);
    const mail = await mailbox.next(ALICE.email);
    expect(mail.subject).toMatch(/already have/);
    expect(mail.text).not.toContain('/register/confirm');
  });

  it('rejects registration forms without the CSRF token, and limits mail per address', async () => {
    const browser = new Browser();
    const form = await browser.request(`${gatehouse.issuer}/register`);
    const forged = await browser.request(formAction(form.body, form.url), { form: { name: 'X', email: 'x@example.com', password: 'a good passphrase here', password_confirm: 'a good passphrase here' } });
    expect(forged.status).toBe(403);
    const answers = [];
    for (let i = 0; i < 4; i++) {
      answers.push((await submit(browser, form, { email: 'flood@example.com' })).status); // forgot-password shares the mail limit
    }
    expect(answers).toEqual([400, 400, 400, 400]); // the register form without a name: refused before any mail
    const reset = await browser.request(`${gatehouse.issuer}/forgot-password`);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await submit(browser, reset, { email: 'flood@example.com' })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('resets a password through a single-use link, refuses a weak one without using the link, and ends every session', async () => {
    const { core } = gatehouse.running;
    const email = 'dana@example.com';
    await core.accounts.create({ email, password: 'danas old passphrase', emailVerified: true });
    // a session Dana has open elsewhere
    const elsewhere = await authorize(rp, { email, password: 'danas old passphrase' }, { scope: 'openid' });

    const browser = new Browser();
    const asked = await submit(browser, await browser.request(`${gatehouse.issuer}/forgot-password`), { email: 'DANA@example.com' });
    expect(asked.body).toContain('If DANA@example.com belongs to an account');
    const link = linkIn(await mailbox.next(email), `${gatehouse.issuer}/reset-password`);

    const form = await browser.request(link);
    expect(form.status).toBe(200);
    const weak = await submit(browser, form, { password: 'qwerty123456', password_confirm: 'qwerty123456' });
    expect(weak.status).toBe(400);
    expect(weak.body).toContain('too common');
    const done = await submit(browser, weak, { password: 'danas fresh passphrase', password_confirm: 'danas fresh passphrase' });
    expect(done.status).toBe(200);
    expect(done.body).toContain('Password changed');
    expect((await mailbox.next(email)).subject).toMatch(/password was changed/);

    expect((await browser.request(link)).status).toBe(400); // used up
    await expect(authorize(rp, { email, password: 'danas old passphrase' })).rejects.toThrow(/did not reach the callback/);
    await authorize(rp, { email, password: 'danas fresh passphrase' }, { scope: 'openid' });

    // the session opened before the reset is gone: a silent request from that browser needs a login
    const silent = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT_URI, scope: 'openid', prompt: 'none', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256',
    });
    const answer = await elsewhere.browser.follow(silent.href, (l) => l.startsWith(REDIRECT_URI));
    expect(new URL(answer.url).searchParams.get('error')).toBe('login_required');
  });

  it('refuses an expired reset link', async () => {
    const { core } = gatehouse.running;
    const account = await core.accounts.create({ email: 'erin@example.com', password: 'erins long passphrase' });
    const token = await createEmailTokens(core.store.singleUse).issue('reset', { accountId: account.id }, 1);
    const link = `${gatehouse.issuer}/reset-password?token=${token}`;
    const deadline = Date.now() + 5000;
    while ((await new Browser().request(link)).status === 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const browser = new Browser();
    const form = await browser.request(`${gatehouse.issuer}/forgot-password`); // any form, for a CSRF token
    const answer = await browser.request(`${gatehouse.issuer}/reset-password`, {
      form: { csrf: hiddenField(form.body, 'csrf'), token, password: 'erins new passphrase', password_confirm: 'erins new passphrase' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('expired or was already used');
  });

  it('says nothing about unknown addresses, and sends them nothing', async () => {
    const browser = new Browser();
    const answer = await submit(browser, await browser.request(`${gatehouse.issuer}/forgot-password`), { email: 'nobody@example.com' });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('If nobody@example.com belongs to an account');
    await new Promise((r) => setTimeout(r, 200));
    expect(mailbox.waiting('nobody@example.com')).toEqual([]);
  });
});

describe('mail without SMTP_URL', () => {
  it('lands in the outbox under the data directory', async () => {
    const gatehouse = await startGatehouse({ env: { LOGIN_RATE_LIMIT: '1000' } });
    try {
      await seedWebApp(gatehouse.running.core);
      const browser = new Browser();
      await submit(browser, await browser.request(`${gatehouse.issuer}/forgot-password`), { email: ALICE.email });
      const outbox = gatehouse.running.core.config.mail.outbox;
      const files = fs.readdirSync(outbox);
      expect(files).toHaveLength(1);
      const mail = await simpleParser(fs.readFileSync(path.join(outbox, files[0]!)));
      expect(mail.to).toMatchObject({ text: ALICE.email });
      expect(linkIn(mail, `${gatehouse.issuer}/reset-password?token=`)).toMatch(/token=[\w-]{43}$/);
      expect(fs.statSync(path.join(outbox, files[0]!)).mode & 0o077).toBe(0);
    } finally {
      await gatehouse.close();
    }
  });
});
