import type { Browser } from 'playwright-core';
import { launchChromium } from '../../helpers/chromium.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';

const ADMIN = { email: 'root@example.com', password: 'the admin passphrase here' };

/** The admin UI in a real browser, with JavaScript off: sign in, create a client and an account, read the audit log. */
describe('admin UI in Chromium', () => {
  let gatehouse: TestGatehouse;
  let chromium: Browser;
  let adminId: string;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ hostname: 'localhost', env: { LOGIN_RATE_LIMIT: '1000' } });
    adminId = (await gatehouse.running.core.accounts.create({ ...ADMIN, emailVerified: true, roles: ['admin'] })).id;
    chromium = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await chromium?.close();
    await gatehouse?.close();
  });

  it('signs an admin in, creates a client and an account through the forms, and shows both in the audit log', async () => {
    const context = await chromium.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${gatehouse.issuer}/admin`);
    await page.getByLabel('Email', { exact: true }).fill(ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Admin' }).waitFor();

    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Clients' }).click();
    await page.getByRole('link', { name: 'Create a client' }).click();
    await page.getByLabel('client_id').fill('reports');
    await page.getByLabel('Name', { exact: true }).fill('Reports <dashboard>');
    await page.getByLabel('Redirect URIs', { exact: true }).fill('https://reports.example.com/callback');
    await page.getByLabel('refresh_token').check();
    await page.getByRole('button', { name: 'Create client' }).click();
    const secret = (await page.locator('#client-secret').textContent())!;
    expect(secret.length).toBeGreaterThanOrEqual(43);
    expect(await gatehouse.running.core.clients.find('reports')).toMatchObject({
      client_name: 'Reports <dashboard>', redirect_uris: ['https://reports.example.com/callback'], grant_types: ['authorization_code', 'refresh_token'], client_secret: secret,
    });
    await page.getByRole('link', { name: 'Continue to the client' }).click();
    expect(await page.getByRole('region', { name: 'Metadata' }).textContent()).toContain('"client_name": "Reports <dashboard>"');

    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Accounts' }).click();
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Email', { exact: true }).fill('new.person@example.com');
    await page.getByLabel('Name', { exact: true }).fill('New Person');
    await page.getByLabel('Roles').fill('staff, auditor');
    await page.getByLabel('Email address verified').check();
    await page.getByRole('button', { name: 'Create account' }).click();
    expect(await page.getByRole('status').textContent()).toBe('The account is created.');
    expect(await gatehouse.running.core.accounts.findByEmail('new.person@example.com')).toMatchObject({ name: 'New Person', roles: ['staff', 'auditor'], emailVerified: true });

    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Action').fill('admin.*');
    await page.getByRole('button', { name: 'Filter' }).click();
    const rows = page.locator('table.audit tbody tr');
    const listed = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(2, 4).map((td) => td.textContent)));
    expect(listed).toEqual([['admin.account.create', `account:${adminId}`], ['admin.client.create', `account:${adminId}`]]);
    await page.getByLabel('Actor').fill(`account:${adminId}`);
    await page.getByLabel('Action').fill('admin.client.create');
    await page.getByRole('button', { name: 'Filter' }).click();
    expect(await rows.count()).toBe(1);
    await rows.first().getByText('detail', { exact: true }).click();
    const detail = (await rows.first().locator('pre').textContent())!;
    expect(JSON.parse(detail)).toMatchObject({ target: { type: 'client', id: 'reports' } });
    expect(detail).not.toContain(secret);
    await context.close();
  });
});
