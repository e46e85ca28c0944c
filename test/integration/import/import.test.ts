import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import pg from 'pg';
import type { Core } from '../../../src/app.ts';
import { applyImport, applyImportFile, ImportError } from '../../../src/import/apply-import.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover } from '../../helpers/relying-party.ts';

const fixture = (name: string) => path.resolve('test/fixtures/import', name);
const ALICE = { email: 'alice@example.com', password: 'correct horse battery staple' };
const WEB_APP = { id: 'web-app', secret: 'web-app-secret-0123456789' };

/** The problems an import reports, or a failure when it applies. */
async function problemsOf(run: Promise<unknown>): Promise<string[]> {
  const error = await run.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ImportError);
  return (error as ImportError).problems;
}

const summaryOf = (clients: [number, number, number], users: [number, number, number], warnings: string[] = [], sps: [number, number, number] = [0, 0, 0]) => ({
  clients: { created: clients[0], updated: clients[1], unchanged: clients[2] },
  users: { created: users[0], updated: users[1], unchanged: users[2] },
  roles: { created: 0, updated: 0, unchanged: 0 },
  saml_service_providers: { created: sps[0], updated: sps[1], unchanged: sps[2] },
  identity_providers: { created: 0, updated: 0, unchanged: 0 },
  organizations: { created: 0, updated: 0, unchanged: 0 },
  warnings,
});

describe('import file', () => {
  let gatehouse: TestGatehouse;
  let core: Core;
  let db: pg.Client;

  /** Every row an import can touch, read from PostgreSQL itself (updated_at to the microsecond). */
  async function rows() {
    const clients = await db.query('SELECT client_id, metadata, updated_at::text FROM oidc_clients ORDER BY client_id');
    const accounts = await db.query('SELECT id, email, name, email_verified, password_hash, roles, disabled, updated_at::text FROM accounts ORDER BY email');
    return { clients: clients.rows, accounts: accounts.rows };
  }
  const row = async (table: 'clients' | 'accounts', key: string) =>
    (await rows())[table].find((r) => (table === 'clients' ? r.client_id : r.email) === key);

  /** A real sign-in through the login form as web-app; the email userinfo then reports. */
  async function signIn(credentials: { email: string; password: string }): Promise<unknown> {
    const rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
    const { callback, verifier, nonce, state } = await authorize(rp, credentials, { scope: 'openid email' });
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
    return (await oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub)).email;
  }

  beforeAll(async () => {
    gatehouse = await startGatehouse();
    core = gatehouse.running.core;
    db = new pg.Client({ connectionString: core.config.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await gatehouse.close();
  });

  it('creates clients and users that work for a real sign-in', async () => {
    expect(await applyImportFile(core, fixture('valid.yaml'), { dryRun: false })).toEqual(summaryOf([2, 0, 0], [1, 0, 0]));

    const alice = await core.accounts.findByEmail('ALICE@example.com');
    expect(alice).toMatchObject({ email: ALICE.email, name: 'Alice Example', emailVerified: true, roles: ['admin'], disabled: false });
    expect(alice?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(alice?.passwordHash).not.toContain(ALICE.password);
    expect(await core.store.clients.find(WEB_APP.id)).toMatchObject({
      client_secret: WEB_APP.secret, client_name: 'Example Web App', redirect_uris: ['http://127.0.0.1:9/callback'],
    });
    // no secret in the file, client_secret_basic by default: one is generated
    expect((await core.store.clients.find('reporting-job'))?.client_secret).toMatch(/^[\w-]{43}$/);

    expect(await signIn(ALICE)).toBe(ALICE.email);
  });

  it('changes nothing when the same file is applied again', async () => {
    const before = await rows();
    expect(await applyImportFile(core, fixture('valid.yaml'), { dryRun: false })).toEqual(summaryOf([0, 0, 2], [0, 0, 1]));
    // same updated_at, same password hash (not re-hashed), same generated secret for reporting-job
    expect(await rows()).toEqual(before);
  });

  it('updates in place, keyed by client_id and (case-insensitive) email', async () => {
    const before = await rows();
    expect(await applyImportFile(core, fixture('edited.yaml'), { dryRun: false })).toEqual(summaryOf([0, 1, 0], [0, 1, 0]));
    const after = await rows();
    expect(after.clients.map((c) => c.client_id)).toEqual(before.clients.map((c) => c.client_id));
    expect(after.accounts.map((a) => a.id)).toEqual(before.accounts.map((a) => a.id));

    const [was, is] = [before, after].map((snapshot) => snapshot.accounts.find((a) => a.email === ALICE.email)!);
    expect(is).toEqual({ ...was, name: 'Alice Renamed', updated_at: expect.any(String) }); // roles, hash, verified kept
    expect(new Date(is.updated_at) > new Date(was.updated_at)).toBe(true);
    const webApp = after.clients.find((c) => c.client_id === WEB_APP.id)!;
    expect(webApp.metadata.client_name).toBe('Renamed Web App');
    expect(webApp.updated_at).not.toBe(before.clients.find((c) => c.client_id === WEB_APP.id)!.updated_at);
    // left out of the file: untouched
    expect(await row('clients', 'reporting-job')).toEqual(before.clients.find((c) => c.client_id === 'reporting-job'));
    expect((await core.clients.find(WEB_APP.id))?.client_name).toBe('Renamed Web App'); // the cache saw the change
    expect(await signIn(ALICE)).toBe(ALICE.email);
  });

  it('audits what each import changed, as who applied it, without a secret', async () => {
    const imports = await core.store.audit.query({ actor: 'system:import', order: 'asc', limit: 100 });
    expect(imports.map((e) => `${e.action} ${(e.detail.target as { id: string }).id}`)).toEqual(expect.arrayContaining([
      `admin.client.create ${WEB_APP.id}`, 'admin.client.create reporting-job', `admin.account.create ${ALICE.email}`, `admin.client.update ${WEB_APP.id}`,
    ]));
    const rename = imports.find((e) => e.action === 'admin.account.update')!;
    expect(rename.detail).toMatchObject({ before: { name: 'Alice Example' }, after: { name: 'Alice Renamed' } });
    expect(JSON.stringify(imports)).not.toMatch(/\$argon2id|client_secret":"(?!\[redacted\])/);
    // nothing for the entries the second, identical, import left unchanged
    expect(imports.filter((e) => e.action.endsWith('.create'))).toHaveLength(3);
  });

  it('applies nothing when one client is bad, and names the entry and field', async () => {
    const before = await rows();
    const problems = await problemsOf(applyImportFile(core, fixture('one-bad-client.yaml'), { dryRun: false }));
    expect(problems).toEqual(['clients[1] (bad-app): redirect_uris must not contain fragments']);
    expect(await rows()).toEqual(before);
    expect(await core.clients.find('good-app')).toBeUndefined();
    expect(await core.accounts.findByEmail('bob@example.com')).toBeUndefined();
  });

  it('rejects unknown keys with their path, and applies nothing', async () => {
    const before = await rows();
    const problems = await problemsOf(applyImportFile(core, fixture('unknown-keys.json'), { dryRun: false }));
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^clients\[0\]\.colour: /),
      expect.stringMatching(/^users\[0\]: .*"pasword"/),
      expect.stringMatching(/^\(top level\): .*"groups"/),
    ]));
    expect(await rows()).toEqual(before);
  });

  it.each([
    ['a duplicate client_id', { clients: [{ client_id: 'a', redirect_uris: ['https://a.example/cb'] }, { client_id: 'a', redirect_uris: ['https://a.example/cb'] }] }, /^clients\[1\]\.client_id: a already appears at clients\[0\]$/],
    ['a duplicate email', { users: [{ email: 'x@example.com' }, { email: 'X@example.com' }] }, /^users\[1\]\.email: x@example\.com already appears at users\[0\]$/],
    ['password and password_hash together', { users: [{ email: 'y@example.com', password: 'a long enough passphrase', password_hash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g' }] }, /^users\[0\]: give password or password_hash, not both$/],
    ['a bcrypt hash', { users: [{ email: 'z@example.com', password_hash: '$2b$12$abcdefghijklmnopqrstuuZ5JOMHYEEn2eGxkRvyEBpOMgN4bXA2i' }] }, /^users\[0\]\.password_hash: must be an argon2id PHC string/],
    ['an argon2i hash', { users: [{ email: 'z@example.com', password_hash: '$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g' }] }, /^users\[0\]\.password_hash: must be an argon2id PHC string/],
    ['a short password', { users: [{ email: 'w@example.com', password: 'short' }] }, /^users\[0\] \(w@example\.com\): password must be at least 12 characters$/],
    ['an invalid email', { users: [{ email: 'not-an-email' }] }, /^users\[0\]\.email: must be an email address$/],
    ['clients that is not a list', { clients: { client_id: 'a' } }, /^clients: /],
  ])('rejects %s', async (_name, document, expected) => {
    const before = await rows();
    const problems = await problemsOf(applyImport(core, document, 'inline', { dryRun: false }));
    expect(problems).toEqual([expect.stringMatching(expected)]);
    expect(await rows()).toEqual(before);
  });

  it('refuses what RFC 9700 forbids and reports what it discourages, naming the section', async () => {
    const problems = await problemsOf(applyImport(core, { clients: [
      { client_id: 'legacy', redirect_uris: ['https://legacy.example/*'], grant_types: ['password', 'implicit'], response_types: ['token'] },
      { client_id: 'native', application_type: 'native', token_endpoint_auth_method: 'none', redirect_uris: ['http://app.example/cb'] },
    ] }, 'inline', { dryRun: false }));
    expect(problems).toEqual([
      expect.stringMatching(/^clients\[0\] \(legacy\): .*implicit grant.*RFC 9700 §2\.1\.2.*password credentials grant must not be used \(RFC 9700 §2\.4\).*wildcards .*RFC 9700 §2\.1, §4\.1\.3/),
      expect.stringMatching(/^clients\[1\] \(native\): redirect_uris\[0\]: native apps may use http only on a loopback address .*RFC 8252 §7\.3/),
    ]);
    const summary = await applyImport(core, { clients: [
      { client_id: 'plain-http', client_secret: 'plain-http-secret-0123456789', redirect_uris: ['http://intranet.example/cb'] },
    ] }, 'inline', { dryRun: true });
    expect(summary.warnings).toEqual(['clients[0] (plain-http).redirect_uris[0]: redirect URIs should use https, so codes never travel in clear text (RFC 9700 §2.6)']);
  });

  it('drops the kept secret when a client becomes public', async () => {
    const { client_secret: generated } = (await core.store.clients.find('reporting-job'))!;
    const job = { client_id: 'reporting-job', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] };
    expect(await applyImport(core, { clients: [job] }, 'inline', { dryRun: false })).toEqual(summaryOf([0, 0, 1], [0, 0, 0]));
    expect((await core.store.clients.find('reporting-job'))?.client_secret).toBe(generated);

    const spa = { client_id: 'reporting-job', token_endpoint_auth_method: 'none', redirect_uris: ['https://spa.example/cb'] };
    expect(await applyImport(core, { clients: [spa] }, 'inline', { dryRun: false })).toEqual(summaryOf([0, 1, 0], [0, 0, 0]));
    expect(await core.store.clients.find('reporting-job')).toEqual(spa);
  });

  it('stores a given argon2id hash as is, and it signs in', async () => {
    const file = JSON.parse(fs.readFileSync(fixture('hashed-user.json'), 'utf8'));
    expect(await applyImportFile(core, fixture('hashed-user.json'), { dryRun: false })).toEqual(summaryOf([0, 0, 0], [1, 0, 0]));
    expect((await row('accounts', 'dave@example.com'))?.password_hash).toBe(file.users[0].password_hash);
    expect(await signIn({ email: 'dave@example.com', password: 'daves long passphrase' })).toBe('dave@example.com');
  });

  it('reports what a dry run would change and writes nothing', async () => {
    const before = await rows();
    const summary = await applyImport(core, {
      clients: [{ client_id: 'new-app', redirect_uris: ['https://new.example/cb'] }, { client_id: WEB_APP.id, redirect_uris: ['https://moved.example/cb'] }],
      users: [{ email: 'alice@example.com', name: 'Someone Else' }, { email: 'erin@example.com', password: 'erins long passphrase' }],
    }, 'inline', { dryRun: true });
    expect(summary).toEqual(summaryOf([1, 1, 0], [1, 1, 0]));
    expect(await rows()).toEqual(before);
    expect(await core.clients.find('new-app')).toBeUndefined();
  });

  it.each([
    ['broken.yaml', /^not valid YAML: .* at line 3, column 1:$/],
    ['broken.json', /^not valid JSON: /],
  ])('explains an unparsable %s in one line, without echoing the file', async (name, message) => {
    const [problem, ...more] = await problemsOf(applyImportFile(core, fixture(name), { dryRun: false }));
    expect(more).toEqual([]);
    expect(problem).toMatch(message);
    expect(problem).not.toContain('\n');
    expect(problem).not.toMatch(/erins|passphrase/);
  });

  it('says clearly that a file is missing', async () => {
    const missing = path.join(os.tmpdir(), 'no-such-import-file.yaml');
    const error = await applyImportFile(core, missing, { dryRun: false }).catch((e: unknown) => e);
    expect((error as ImportError).problems).toEqual(['cannot read the file: ENOENT: no such file or directory']);
    expect((error as Error).message).toContain(missing);
  });

  describe('SAML service providers', () => {
    const samlFixture = (name: string) => path.resolve('test/fixtures/saml', name);
    const spRows = async () => (await db.query('SELECT entity_id, settings, updated_at::text FROM saml_service_providers ORDER BY entity_id')).rows;

    it('adds them from a file beside the import file and inline, with settings over what the metadata asks, idempotently', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-import-'));
      fs.copyFileSync(samlFixture('sp-metadata.xml'), path.join(dir, 'sp.xml'));
      const file = path.join(dir, 'import.yaml');
      fs.writeFileSync(file, [
        'saml_service_providers:',
        '  - metadata_file: sp.xml',
        '    attributes: { email: mail, roles: groups }',
        '    idp_initiated: true',
        '  - metadata: |',
        ...fs.readFileSync(samlFixture('plain-sp-metadata.xml'), 'utf8').split('\n').map((line) => `      ${line}`),
        '    name_id_format: emailAddress',
      ].join('\n'));
      expect(await applyImportFile(core, file, { dryRun: false })).toEqual(summaryOf([0, 0, 0], [0, 0, 0], [], [2, 0, 0]));
      const [plain, full] = await spRows();
      expect(full).toMatchObject({
        entity_id: 'https://sp.example.com/metadata',
        settings: { attributes: { email: 'mail', roles: 'groups' }, nameIdFormat: 'persistent', encryptAssertion: true, idpInitiated: true, signAssertion: true },
      });
      expect(plain).toMatchObject({ entity_id: 'https://plain-sp.example.com', settings: { nameIdFormat: 'emailAddress', encryptAssertion: false, idpInitiated: false } });
      const before = await spRows();
      expect(await applyImportFile(core, file, { dryRun: false })).toEqual(summaryOf([0, 0, 0], [0, 0, 0], [], [0, 0, 2]));
      expect(await spRows()).toEqual(before);
    });

    it('fetches metadata from metadata_url, and says clearly when it cannot', async () => {
      const server = http.createServer((req, res) => {
        if (req.url === '/metadata') res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' }).end(fs.readFileSync(samlFixture('plain-sp-metadata.xml')));
        else res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      try {
        const summary = await applyImport(core, { saml_service_providers: [{ metadata_url: `${base}/metadata` }] }, 'inline', { dryRun: true });
        expect(summary.saml_service_providers.created + summary.saml_service_providers.unchanged + summary.saml_service_providers.updated).toBe(1);
        const problems = await problemsOf(applyImport(core, { saml_service_providers: [{ metadata_url: `${base}/gone` }] }, 'inline', { dryRun: false }));
        expect(problems).toEqual([`saml_service_providers[0]: metadata_url: ${base}/gone answered 404`]);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    it.each([
      ['no metadata', { saml_service_providers: [{ attributes: { email: 'mail' } }] }, /^saml_service_providers\[0\]: give exactly one of metadata, metadata_file or metadata_url$/],
      ['metadata with a DTD (XXE)', { saml_service_providers: [{ metadata_file: 'xxe-metadata.xml' }] }, /^saml_service_providers\[0\]: SP metadata must not contain a document type declaration$/],
      ['metadata that is not XML', { saml_service_providers: [{ metadata: 'not <xml' }] }, /^saml_service_providers\[0\]: SP metadata is not well-formed XML/],
      ['a missing metadata file', { saml_service_providers: [{ metadata_file: 'nope.xml' }] }, /^saml_service_providers\[0\]: metadata_file: cannot read nope\.xml: ENOENT/],
      ['encryption without an encryption certificate', { saml_service_providers: [{ metadata_file: 'plain-sp-metadata.xml', encrypt_assertion: true }] }, /needs an encryption certificate/],
      ['an unknown attribute source', { saml_service_providers: [{ metadata_file: 'plain-sp-metadata.xml', attributes: { shoe_size: 'x' } }] }, /^saml_service_providers\[0\]\.attributes/],
      ['the same SP twice', { saml_service_providers: [{ metadata_file: 'plain-sp-metadata.xml' }, { metadata_file: 'plain-sp-metadata.xml' }] }, /^saml_service_providers\[1\]\.entityID: https:\/\/plain-sp\.example\.com already appears at saml_service_providers\[0\]$/],
    ])('rejects %s, naming the entry, and applies nothing', async (_name, document, expected) => {
      const before = await spRows();
      const problems = await problemsOf(applyImport(core, document, 'inline', { dryRun: false, baseDir: path.resolve('test/fixtures/saml') }));
      expect(problems).toEqual([expect.stringMatching(expected)]);
      expect(await spRows()).toEqual(before);
    });
  });

  it('the example in config/ is valid', async () => {
    const summary = await applyImportFile(core, path.resolve('config/import.example.yaml'), { dryRun: true });
    expect(summary.clients.created + summary.clients.updated).toBe(3);
  });
});
