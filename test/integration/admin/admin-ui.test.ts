import { generateSecret, generateSync } from 'otplib';
import { Browser, postForm, type Page } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';

const LOGIN_FORM = /action="\/interaction\/[\w-]+\/login"/;
const PASSWORD = 'a perfectly fine passphrase';

/** The admin UI over HTTP: who gets in, CSRF, stale forms, search and pagination. */
describe('admin UI', () => {
  let gatehouse: TestGatehouse;
  let n = 0;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ env: { LOGIN_RATE_LIMIT: '1000' } });
  });
  afterAll(() => gatehouse?.close());

  const newAccount = async (roles: string[] = []) => {
    const email = `person${++n}@example.com`;
    const account = await gatehouse.running.core.accounts.create({ email, password: PASSWORD, emailVerified: true, roles });
    return { id: account.id, email };
  };
  /** Opens an admin page in a new browser, signing in through the login page on the way. */
  const signedIn = async (who: { email: string }, path = '/admin') => {
    const browser = new Browser();
    let page = await browser.follow(`${gatehouse.issuer}${path}`);
    expect(page.body).toMatch(LOGIN_FORM);
    page = await postForm(browser, page, '/login', { email: who.email, password: PASSWORD });
    return { browser, page };
  };
  const rows = (page: Page) => [...page.body.matchAll(/<a href="\/admin\/accounts\/[\w-]+">([^<]+@[^<]+)<\/a>/g)].map((m) => m[1]!);

  it('sends a signed-out browser to sign in through the gatehouse-admin client, asking for a recent sign-in', async () => {
    const page = await new Browser().request(`${gatehouse.issuer}/admin/accounts`);
    expect(page.status).toBe(302);
    const location = new URL(page.headers.get('location')!);
    expect(location.pathname).toBe('/auth');
    expect(location.searchParams.get('client_id')).toBe('gatehouse-admin');
    expect(location.searchParams.get('redirect_uri')).toBe(`${gatehouse.issuer}/admin/callback`);
    expect(location.searchParams.get('max_age')).toBe('3600');
    const post = await new Browser().request(`${gatehouse.issuer}/admin/accounts`, { form: { email: 'x@example.com' } });
    expect(post.status).toBe(401);
  });

  it('lets an admin in, with no-store and no framing', async () => {
    const { page } = await signedIn(await newAccount(['admin']));
    expect(page.status).toBe(200);
    expect(page.url).toBe(`${gatehouse.issuer}/admin`);
    expect(page.body).toContain('<h1>Admin</h1>');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('asks an admin with a second factor for it, also when the factor came after the sign-in', async () => {
    const admin = await newAccount(['admin']);
    const { browser, page } = await signedIn(admin);
    expect(page.body).toContain('<h1>Admin</h1>');
    const secret = generateSecret();
    await gatehouse.running.core.store.factors.add({ accountId: admin.id, kind: 'totp', name: 'Phone', secret });

    // the session has no second factor: the admin pages send it through the second-factor step first
    let again = await browser.follow(`${gatehouse.issuer}/admin/clients`);
    expect(again.body).toContain('Confirm it is you');
    const refused = await browser.request(`${gatehouse.issuer}/admin/accounts`, { form: { csrf: 'whatever' } });
    expect(refused.status).toBe(401);
    again = await postForm(browser, again, '/mfa', { code: generateSync({ secret, epoch: Math.floor(Date.now() / 1000) }) });
    expect(again.url).toBe(`${gatehouse.issuer}/admin/clients`);
    expect(again.body).toContain('<h1>Clients</h1>');
  });

  it('asks for a new sign-in when the session is older than an hour', async () => {
    const admin = await newAccount(['admin']);
    const { browser } = await signedIn(admin);
    const { Session } = gatehouse.running.core.provider;
    const sessions = await Promise.all(browser.cookieValues().map((value) => Session.find(value)));
    const session = sessions.find((s) => s?.accountId === admin.id)!;
    session.loginTs = Math.floor(Date.now() / 1000) - 3700;
    await session.save(3600);

    const page = await browser.follow(`${gatehouse.issuer}/admin/audit`);
    expect(page.body).toMatch(LOGIN_FORM); // max_age=3600 makes the authorization server ask again
    const again = await postForm(browser, page, '/login', { email: admin.email, password: PASSWORD });
    expect(again.url).toBe(`${gatehouse.issuer}/admin/audit`);
    expect(again.body).toContain('<h1>Audit log</h1>');
  });

  it('refuses a signed-in account without the admin role, saying so', async () => {
    const who = await newAccount(['staff']);
    const { browser, page } = await signedIn(who, '/admin/accounts');
    expect(page.status).toBe(403);
    expect(page.body).toContain(`You are signed in as ${who.email}, which does not have the admin role`);
    const post = await browser.request(`${gatehouse.issuer}/admin/accounts`, { form: { email: 'made@example.com' } });
    expect(post.status).toBe(403);
    expect(await gatehouse.running.core.accounts.findByEmail('made@example.com')).toBeUndefined();
  });

  it('refuses a form without its CSRF token, or with a forged one', async () => {
    const { browser } = await signedIn(await newAccount(['admin']));
    for (const form of [{ email: 'forged@example.com' }, { email: 'forged@example.com', csrf: 'forged' }] as Record<string, string>[]) {
      const page = await browser.request(`${gatehouse.issuer}/admin/accounts`, { form });
      expect(page.status).toBe(403);
      expect(page.body).toContain('did not come from this site');
    }
    expect(await gatehouse.running.core.accounts.findByEmail('forged@example.com')).toBeUndefined();
  });

  it('shows "changed meanwhile" for a stale form and changes nothing', async () => {
    const { browser } = await signedIn(await newAccount(['admin']));
    const target = await newAccount();
    const form = await browser.follow(`${gatehouse.issuer}/admin/accounts/${target.id}`);
    expect(form.body).toContain(`<h1>${target.email}</h1>`);
    await gatehouse.running.core.admin.accounts.update('cli:test', target.id, { name: 'Changed Elsewhere' });

    const stale = await postForm(browser, form, `/admin/accounts/${target.id}`, { name: 'From The Stale Form', roles: 'admin' });
    expect(stale.status).toBe(412);
    expect(stale.body).toContain('Someone changed this meanwhile, so nothing was saved');
    expect(stale.body).toContain('value="Changed Elsewhere"'); // the page shows the current version
    expect(await gatehouse.running.core.accounts.findById(target.id)).toMatchObject({ name: 'Changed Elsewhere', roles: [] });

    const fresh = await postForm(browser, stale, `/admin/accounts/${target.id}`, { name: 'From A Fresh Form', roles: 'auditor, staff' });
    expect(fresh.status).toBe(200);
    expect(fresh.body).toContain('The account is saved.');
    expect(await gatehouse.running.core.accounts.findById(target.id)).toMatchObject({ name: 'From A Fresh Form', roles: ['auditor', 'staff'] });
  });

  it('shows a refusal of the service next to the form', async () => {
    const admin = await newAccount(['admin']);
    const { browser } = await signedIn(admin);
    const form = await browser.follow(`${gatehouse.issuer}/admin/accounts/new`);
    const page = await postForm(browser, form, '/admin/accounts', { email: admin.email, name: 'Twin' });
    expect(page.status).toBe(409);
    expect(page.body).toMatch(/<p class="error" role="alert">[^<]*already/);
    expect(page.body).toContain('value="Twin"');
  });

  it('searches accounts by email or name and pages through them by cursor', async () => {
    const { browser } = await signedIn(await newAccount(['admin']));
    for (let i = 0; i < 27; i++) {
      await gatehouse.running.core.accounts.create({ email: `pager${String(i).padStart(2, '0')}@example.org`, name: i === 7 ? 'Seventh Pager' : null });
    }
    const first = await browser.follow(`${gatehouse.issuer}/admin/accounts?q=pager`);
    expect(rows(first)).toEqual(Array.from({ length: 25 }, (_, i) => `pager${String(i).padStart(2, '0')}@example.org`));
    const next = first.body.match(/<a href="([^"]+)" rel="next">/)![1]!.replaceAll('&amp;', '&');
    const second = await browser.follow(new URL(next, gatehouse.issuer).href);
    expect(rows(second)).toEqual(['pager25@example.org', 'pager26@example.org']);
    expect(second.body).not.toContain('rel="next"');

    const byName = await browser.follow(`${gatehouse.issuer}/admin/accounts?q=Seventh`);
    expect(rows(byName)).toEqual(['pager07@example.org']);
  });
});
