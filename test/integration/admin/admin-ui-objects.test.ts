import fs from 'node:fs';
import path from 'node:path';
import { Browser, postForm, type Page } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';

const ADMIN = { email: 'root@example.com', password: 'the admin passphrase here' };
const SP_METADATA = fs.readFileSync(path.resolve('test/fixtures/saml/plain-sp-metadata.xml'), 'utf8');

/** The admin UI's pages for clients, SAML SPs, upstream IdPs and roles, over HTTP as a browser without script. */
describe('admin UI objects', () => {
  let gatehouse: TestGatehouse;
  let browser: Browser;
  let actor: string;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ env: { LOGIN_RATE_LIMIT: '1000' } });
    actor = `account:${(await gatehouse.running.core.accounts.create({ ...ADMIN, emailVerified: true, roles: ['admin'] })).id}`;
    browser = new Browser();
    const login = await browser.follow(`${gatehouse.issuer}/admin`);
    const page = await postForm(browser, login, '/login', ADMIN);
    expect(page.body).toContain('<h1>Admin</h1>');
  });
  afterAll(() => gatehouse?.close());

  const open = (p: string) => browser.follow(`${gatehouse.issuer}${p}`);
  const lastChange = async () => (await gatehouse.running.core.admin.audit.page({ actions: ['admin.*'] }, { limit: 1 })).items[0]!;
  const secretOn = (page: Page) => page.body.match(/<code class="secret" id="client-secret">([^<]+)<\/code>/)?.[1];

  it('creates a client, edits it, rotates its secret once, and deletes it after confirmation', async () => {
    const created = await postForm(browser, await open('/admin/clients/new'), '/admin/clients', {
      client_id: 'svc', client_name: 'Service', redirect_uris: 'https://svc.example.com/cb', grant_types: 'authorization_code', token_endpoint_auth_method: 'client_secret_post',
    });
    const first = secretOn(created)!;
    expect((await gatehouse.running.core.clients.find('svc'))!.client_secret).toBe(first);

    const detail = await open('/admin/clients/svc');
    expect(detail.body).not.toContain(first); // the secret is shown once, never again
    const edited = await postForm(browser, detail, '/admin/clients/svc', {
      client_name: 'Service two', redirect_uris: 'https://svc.example.com/cb\nhttps://svc.example.com/cb2', grant_types: 'authorization_code',
    });
    expect(edited.body).toContain('The client is saved.');
    expect(await gatehouse.running.core.clients.find('svc')).toMatchObject({ client_name: 'Service two', redirect_uris: ['https://svc.example.com/cb', 'https://svc.example.com/cb2'] });

    const rotated = await postForm(browser, edited, '/admin/clients/svc/rotate-secret');
    const second = secretOn(rotated)!;
    expect(second).not.toBe(first);
    expect((await gatehouse.running.core.clients.find('svc'))!.client_secret).toBe(second);
    expect(await lastChange()).toMatchObject({ action: 'admin.client.rotate_secret', actor });
    expect(JSON.stringify(await lastChange())).not.toContain(second);

    const invalid = await postForm(browser, await open('/admin/clients/svc'), '/admin/clients/svc', { redirect_uris: 'not a uri', grant_types: 'authorization_code' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatch(/<p class="error" role="alert">[^<]*redirect_uris/);

    const confirm = await open('/admin/clients/svc/delete');
    expect(confirm.body).toContain('Delete the client svc (Service two)?');
    await gatehouse.running.core.admin.clients.update('cli:test', 'svc', { client_name: 'Renamed meanwhile' });
    const stale = await postForm(browser, confirm, '/admin/clients/svc/delete');
    expect(stale.status).toBe(412);
    expect(await gatehouse.running.core.clients.find('svc')).toBeDefined();
    const deleted = await postForm(browser, await open('/admin/clients/svc/delete'), '/admin/clients/svc/delete');
    expect(deleted.body).toContain('The client is deleted.');
    expect(await gatehouse.running.core.clients.find('svc')).toBeUndefined();
    expect(await lastChange()).toMatchObject({ action: 'admin.client.delete', actor });
  });

  it('adds a SAML SP from pasted metadata, shows it, and deletes it', async () => {
    const none = await postForm(browser, await open('/admin/saml-sps/new'), '/admin/saml-sps', {});
    expect(none.status).toBe(400);
    const broken = await postForm(browser, none, '/admin/saml-sps', { metadata: '<not-metadata/>' });
    expect(broken.status).toBe(400);
    expect(broken.body).toContain('class="error"');

    const added = await postForm(browser, broken, '/admin/saml-sps', { metadata: SP_METADATA });
    expect(added.body).toContain('The service provider is added.');
    expect(added.body).toContain('<h1>https://plain-sp.example.com</h1>');
    expect(await lastChange()).toMatchObject({ action: 'admin.saml_sp.create', actor });
    const listed = await open('/admin/saml-sps');
    expect(listed.body).toContain(`href="/admin/saml-sps/${encodeURIComponent('https://plain-sp.example.com')}"`);

    const deleted = await postForm(browser, await open(`/admin/saml-sps/${encodeURIComponent('https://plain-sp.example.com')}/delete`), '/delete');
    expect(deleted.body).toContain('The service provider is deleted.');
    expect(await gatehouse.running.core.saml.registry.find('https://plain-sp.example.com')).toBeUndefined();
  });

  it('adds an upstream OpenID provider (naming a bad field), never shows its secret, and deletes it', async () => {
    const fields = { id: 'corp', display_name: 'Corp SSO', issuer: 'https://idp.corp.example', client_id: 'gatehouse', client_secret: 'upstream-secret-value' };
    const bad = await postForm(browser, await open('/admin/upstreams/new'), '/admin/upstreams', { ...fields, id: 'Not Valid' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('id: must be lower-case letters');
    expect(bad.body).not.toContain('upstream-secret-value');

    const added = await postForm(browser, bad, '/admin/upstreams', fields);
    expect(added.body).toContain('The identity provider is added.');
    expect(added.body).not.toContain('upstream-secret-value');
    expect(await gatehouse.running.core.store.upstreams.find('corp')).toMatchObject({ kind: 'oidc', clientSecret: 'upstream-secret-value' });

    const deleted = await postForm(browser, await open('/admin/upstreams/corp/delete'), '/admin/upstreams/corp/delete');
    expect(deleted.body).toContain('The identity provider is deleted.');
    expect(await gatehouse.running.core.store.upstreams.find('corp')).toBeUndefined();
  });

  it('creates a role and edits its permissions', async () => {
    const created = await postForm(browser, await open('/admin/roles'), '/admin/roles', { name: 'auditor', description: 'Reads the log', permissions: 'audit:read\naccounts:read' });
    expect(created.body).toContain('The role is created.');
    const saved = await postForm(browser, created, '/admin/roles/auditor', { description: 'Reads', permissions: 'audit:read' });
    expect(saved.body).toContain('The role is saved.');
    expect(await gatehouse.running.core.admin.roles.get('auditor')).toEqual({ name: 'auditor', description: 'Reads', permissions: ['audit:read'] });
    expect(await lastChange()).toMatchObject({ action: 'admin.role.update', actor });
  });

  it('ends sessions, resets factors and disables an account from its page', async () => {
    const person = await gatehouse.running.core.accounts.create({ email: 'someone@example.com', password: ADMIN.password, emailVerified: true });
    const theirs = new Browser();
    await postForm(theirs, await theirs.follow(`${gatehouse.issuer}/account`), '/login', { email: 'someone@example.com', password: ADMIN.password });
    let page = await open(`/admin/accounts/${person.id}`);
    expect(page.body).toMatch(/\/sessions\/[^/"]+\/end"/);
    page = await postForm(browser, page, '/sessions/end-all');
    expect(page.body).toContain('Every session of the account is signed out.');
    expect(await gatehouse.running.core.store.sessions.list(person.id)).toEqual([]);
    page = await postForm(browser, page, '/reset-factors');
    expect(await lastChange()).toMatchObject({ action: 'admin.account.reset_factors', actor });
    page = await postForm(browser, page, '/disable');
    expect(page.body).toContain('The account is disabled');
    expect(await gatehouse.running.core.accounts.findById(person.id)).toMatchObject({ disabled: true });
  });
});
