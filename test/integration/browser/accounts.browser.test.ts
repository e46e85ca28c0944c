import * as oidc from 'openid-client';
import { generateSync } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addVirtualAuthenticator, launchChromium, startCallbackServer } from '../../helpers/chromium.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { linkIn, startMailbox, type Mailbox } from '../../helpers/mailbox.ts';
import { discover } from '../../helpers/relying-party.ts';

const CLIENT = { id: 'browser-app', secret: 'browser-app-secret-0123456789' };
const ACR_MFA = 'urn:gatehouse:acr:mfa';

/** The account flows in a real browser: headless Chromium, a virtual authenticator, real mail. */
describe('accounts in Chromium', () => {
  let gatehouse: TestGatehouse;
  let mailbox: Mailbox;
  let chromium: Browser;
  let rp: oidc.Configuration;
  let callback: Awaited<ReturnType<typeof startCallbackServer>>;
  let REDIRECT_URI: string;
  let n = 0;

  beforeAll(async () => {
    callback = await startCallbackServer();
    REDIRECT_URI = callback.redirectUri;
    mailbox = await startMailbox();
    gatehouse = await startGatehouse({
      hostname: 'localhost', env: { SMTP_URL: mailbox.url, ACCOUNT_REGISTRATION: 'true', LOGIN_RATE_LIMIT: '1000' },
    });
    await gatehouse.running.core.clients.create({
      client_id: CLIENT.id, client_secret: CLIENT.secret, redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code'],
      response_types: ['code'], first_party: true,
    });
    rp = await discover(gatehouse.issuer, CLIENT.id, CLIENT.secret);
    chromium = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await chromium?.close();
    await gatehouse?.close();
    await mailbox?.close();
    await callback?.close();
  });

  /** A new browser profile: its own cookies, so its own device. */
  const device = async (): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await chromium.newContext();
    return { context, page: await context.newPage() };
  };
  const newAccount = async (password = 'a perfectly fine passphrase') => {
    const email = `person${++n}@example.com`;
    await gatehouse.running.core.accounts.create({ email, password, name: `Person ${n}`, emailVerified: true });
    return { email, password };
  };
  /** Opens the client's authorization request; answers the PKCE verifier. */
  const startSignIn = async (page: Page, extra: Record<string, string> = {}) => {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT_URI, scope: 'openid email', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
    });
    await page.goto(url.href);
    return verifier;
  };
  /** The ID token's claims once the browser reaches the callback, with the email from userinfo. */
  const idTokenAt = async (page: Page, verifier: string) => {
    await page.waitForURL((url) => url.href.startsWith(REDIRECT_URI));
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(page.url()), { pkceCodeVerifier: verifier });
    const claims = tokens.claims()!;
    const { email, email_verified } = await oidc.fetchUserInfo(rp, tokens.access_token, claims.sub);
    return { ...claims, email, email_verified };
  };
  const password = async (page: Page, who: { email: string; password: string }) => {
    await page.getByLabel('Email', { exact: true }).fill(who.email);
    await page.getByLabel('Password', { exact: true }).fill(who.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };
  const emailCode = async (to: string) => (await mailbox.next(to)).subject!.match(/^(\d{6}) is your/)![1]!;

  it('registers, verifies the email address through the mailed link, and signs in', async () => {
    const { context, page } = await device();
    const verifier = await startSignIn(page);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Name').fill('Rita Register');
    await page.getByLabel('Email').fill('rita@example.com');
    await page.getByLabel('Password', { exact: true }).fill('rita registers a passphrase');
    await page.getByLabel('Password again').fill('rita registers a passphrase');
    await page.getByRole('button', { name: 'Create account' }).click();
    expect(await page.getByRole('status').textContent()).toMatch(/We sent a link to rita@example.com/);

    await page.goto(linkIn(await mailbox.next('rita@example.com'), `${gatehouse.issuer}/register/confirm`));
    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your account is ready' }).waitFor();
    await page.getByRole('link', { name: 'Continue to sign in' }).click();
    await password(page, { email: 'rita@example.com', password: 'rita registers a passphrase' });
    expect(await idTokenAt(page, verifier)).toMatchObject({ email: 'rita@example.com', email_verified: true, amr: ['pwd'] });
    await context.close();
  });

  it('resets a forgotten password', async () => {
    const who = await newAccount();
    const { context, page } = await device();
    await startSignIn(page);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email').fill(who.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    expect(await page.getByRole('status').textContent()).toContain(`If ${who.email} belongs to an account`);
    await page.goto(linkIn(await mailbox.next(who.email), `${gatehouse.issuer}/reset-password`));
    await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase here');
    await page.getByLabel('New password again').fill('a brand new passphrase here');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('heading', { level: 1, name: 'Password changed' }).waitFor();

    const verifier = await startSignIn(page);
    await password(page, { email: who.email, password: 'a brand new passphrase here' });
    expect(await idTokenAt(page, verifier)).toMatchObject({ email: who.email });
    await context.close();
  });

  it('enrols an authenticator app, signs in with it, and signs in with a recovery code', async () => {
    const who = await newAccount();
    const home = await device();
    await home.page.goto(`${gatehouse.issuer}/account`);
    await password(home.page, who);
    await home.page.getByRole('button', { name: 'Add an authenticator app' }).click();
    await home.page.getByRole('img', { name: 'QR code of your authenticator key' }).waitFor();
    const secret = (await home.page.locator('code.secret').textContent())!;
    await home.page.getByLabel('Code the app shows now').fill(generateSync({ secret, epoch: Math.floor(Date.now() / 1000) - 30 }));
    await home.page.getByRole('button', { name: 'Turn on' }).click();
    const codes = await home.page.locator('ol.codes li').allTextContents();
    expect(codes).toHaveLength(10);

    const laptop = await device();
    let verifier = await startSignIn(laptop.page);
    await password(laptop.page, who);
    await laptop.page.getByLabel('Code from your authenticator app').fill(generateSync({ secret }));
    await laptop.page.getByRole('button', { name: 'Verify' }).click();
    expect(await idTokenAt(laptop.page, verifier)).toMatchObject({ acr: ACR_MFA, amr: ['pwd', 'otp', 'mfa'] });

    const phone = await device();
    verifier = await startSignIn(phone.page);
    await password(phone.page, who);
    await phone.page.getByText('Use a recovery code').click();
    await phone.page.getByLabel('Recovery code').fill(codes[0]!);
    await phone.page.getByRole('button', { name: 'Use recovery code' }).click();
    expect(await idTokenAt(phone.page, verifier)).toMatchObject({ acr: ACR_MFA });
    await Promise.all([home.context.close(), laptop.context.close(), phone.context.close()]);
  });

  /** A browser profile with a virtual authenticator holding a passkey registered from the account page. */
  const deviceWithPasskey = async (options: { autofill: boolean }) => {
    const who = await newAccount();
    const { context, page } = await device();
    if (!options.autofill) {
      // a browser without passkey autofill (conditional mediation): only the button signs in
      await context.addInitScript(() => {
        (globalThis as unknown as { PublicKeyCredential: { isConditionalMediationAvailable: () => Promise<boolean> } })
          .PublicKeyCredential.isConditionalMediationAvailable = async () => false;
      });
    }
    await addVirtualAuthenticator(context, page);
    await page.goto(`${gatehouse.issuer}/account`);
    await password(page, who);
    await page.getByLabel('Name for a new passkey').fill('Laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    expect(await page.getByLabel('Name of passkey').inputValue()).toBe('Laptop');
    await context.clearCookies(); // signed out; the authenticator keeps the passkey
    return { who, context, page };
  };

  it('registers a passkey and signs in with it, without a password', async () => {
    const { who, context, page } = await deviceWithPasskey({ autofill: false });
    const verifier = await startSignIn(page);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    expect(await idTokenAt(page, verifier)).toMatchObject({ acr: ACR_MFA, amr: ['hwk', 'user', 'mfa'], email: who.email });
    await context.close();
  });

  it('offers passkeys in the email field\'s autofill (the virtual authenticator picks the one it has)', async () => {
    const { who, context, page } = await deviceWithPasskey({ autofill: true });
    const verifier = await startSignIn(page);
    expect(await idTokenAt(page, verifier)).toMatchObject({ acr: ACR_MFA, email: who.email });
    await context.close();
  });

  it('steps up with an email code when the client sends acr_values', async () => {
    const who = await newAccount();
    const { context, page } = await device();
    let verifier = await startSignIn(page);
    await password(page, who);
    expect(await idTokenAt(page, verifier)).toMatchObject({ acr: 'urn:gatehouse:acr:password' });

    verifier = await startSignIn(page, { acr_values: ACR_MFA });
    await page.getByRole('heading', { level: 1, name: 'Confirm it is you' }).waitFor();
    await page.getByRole('button', { name: 'Email me a code' }).click();
    await page.getByLabel('Code from the email').fill(await emailCode(who.email));
    await page.getByRole('button', { name: 'Verify' }).click();
    expect(await idTokenAt(page, verifier)).toMatchObject({ acr: ACR_MFA, amr: ['pwd', 'otp', 'mfa'] });
    await context.close();
  });

  it('asks a risky sign-in for a second factor and explains it on the security page', async () => {
    const who = await newAccount();
    const usual = await device();
    let verifier = await startSignIn(usual.page);
    await password(usual.page, who);
    await idTokenAt(usual.page, verifier);

    const attacker = await device();
    for (let i = 0; i < 3; i++) {
      await startSignIn(attacker.page);
      await password(attacker.page, { ...who, password: `a wrong guess number ${i}` });
      expect(await attacker.page.getByRole('alert').textContent()).toBe('Wrong email or password.');
    }
    const fresh = await device();
    verifier = await startSignIn(fresh.page);
    await password(fresh.page, who);
    await fresh.page.getByText('looks different from your usual ones').waitFor();
    await fresh.page.getByRole('button', { name: 'Email me a code' }).click();
    await fresh.page.getByLabel('Code from the email').fill(await emailCode(who.email));
    await fresh.page.getByRole('button', { name: 'Verify' }).click();
    await idTokenAt(fresh.page, verifier);

    await fresh.page.goto(`${gatehouse.issuer}/account`);
    const events = fresh.page.getByRole('region', { name: 'Recent security events' });
    const explained = await events.textContent();
    expect(explained).toContain('score 60, second factor asked');
    expect(explained).toContain('this browser has not signed in to the account before (+30)');
    expect(explained).toContain('3 failed sign-ins for the account in the last hour (+30)');
    await Promise.all([usual.context.close(), attacker.context.close(), fresh.context.close()]);
  });
});
