import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore, type Core } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { gatehouseCli, type CliResult } from '../../helpers/cli.ts';
import { freshDatabaseUrl } from '../../helpers/database.ts';

// Each command starts a process that opens the database and checks the migrations: allow time.
const SLOW = 120_000;
const tempDirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
};

let env: Record<string, string>;
const run = (...args: string[]) => gatehouseCli(args, env);

/** Looks at what the commands stored, the way a server would (sharing storage, as the CLI does). */
async function inspect<T>(fn: (core: Core) => Promise<T>): Promise<T> {
  const core = await createCore(loadConfig(env), 'share');
  try {
    return await fn(core);
  } finally {
    await core.close();
  }
}

/** A success: exit 0, nothing on stderr, and this output. */
function expectOutput(result: CliResult, stdout: string | RegExp): void {
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(result.stdout).toMatch(stdout);
}

/** A failure an operator can act on: a non-zero exit, one line on stderr, no stack trace. */
function expectOneLineError(result: CliResult, code: number, message: RegExp): void {
  expect(result.code).toBe(code);
  expect(result.stderr).toMatch(/^gatehouse: .+\n$/);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stdout).toBe('');
}

beforeAll(async () => {
  env = { DATABASE_URL: await freshDatabaseUrl(), GATEHOUSE_DATA_DIR: tempDir('gatehouse-cli-') };
});
afterAll(() => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe('gatehouse user', () => {
  it('creates, lists, changes passwords and roles', async () => {
    expectOutput(
      await run('user', 'create', '--email', 'Ops@Example.com', '--password', 'operator passphrase', '--name', 'Ops', '--verified'),
      /^created user ops@example\.com \(id [0-9a-f-]{36}\)\n$/,
    );
    expectOneLineError(await run('user', 'create', '--email', 'OPS@example.com', '--password', 'another passphrase'), 1, /already exists/);
    expectOneLineError(await run('user', 'create', '--email', 'short@example.com', '--password', 'short'), 1, /at least 12 characters/);
    expectOutput(await gatehouseCli(['user', 'create', '--email', 'piped@example.com', '--password-stdin'], env, 'piped passphrase 1\n'), /^created user piped@example\.com /);

    expectOutput(await run('user', 'add-role', '--email', 'ops@example.com', '--role', 'admin'), 'ops@example.com has the role admin\n');
    expectOutput(await run('user', 'set-password', '--email', 'ops@example.com', '--password', 'a first new passphrase'), 'password set for ops@example.com\n');
    expectOutput(await gatehouseCli(['user', 'set-password', '--email', 'ops@example.com', '--password-stdin'], env, 'a brand new passphrase\nignored\n'), 'password set for ops@example.com\n');
    expectOneLineError(await run('user', 'set-password', '--email', 'ops@example.com', '--password', 'tiny'), 1, /at least 12 characters/);

    const list = await run('user', 'list');
    expectOutput(list, /^ops@example\.com\t[0-9a-f-]{36}\tOps\troles: admin\tverified\npiped@example\.com\t[0-9a-f-]{36}\t\troles: -\tunverified\n$/);
    expect(list.stdout).not.toContain('short@example.com');

    await inspect(async (core) => {
      await expect(core.accounts.authenticate('ops@example.com', 'a brand new passphrase', '192.0.2.7')).resolves.toMatchObject({ roles: ['admin'] });
      await expect(core.accounts.authenticate('ops@example.com', 'a first new passphrase', '192.0.2.7')).rejects.toMatchObject({ code: 'invalid_credentials' });
      await expect(core.accounts.authenticate('piped@example.com', 'piped passphrase 1', '192.0.2.7')).resolves.toMatchObject({ email: 'piped@example.com' });
    });
    expectOneLineError(await run('user', 'set-password', '--email', 'nobody@example.com', '--password', 'whatever passphrase'), 1, /no user with the email nobody@example\.com/);
    expectOneLineError(await run('user', 'add-role', '--email', 'nobody@example.com', '--role', 'admin'), 1, /no user with the email nobody@example\.com/);
  }, SLOW);
});

describe('gatehouse client', () => {
  it('creates a client with a generated secret shown once, lists and deletes it', async () => {
    const created = await run('client', 'create', '--id', 'cli-app', '--redirect-uri', 'https://app.example/cb', '--name', 'CLI App');
    expectOutput(created, /^created client cli-app\nclient_secret: [A-Za-z0-9_-]{43}\n\(shown once; store it now\)\n$/);
    const secret = /client_secret: (\S+)/.exec(created.stdout)![1];
    expect(await inspect((core) => core.clients.find('cli-app'))).toMatchObject({ client_secret: secret, client_name: 'CLI App' });

    const list = await run('client', 'list');
    expectOutput(list, 'cli-app\tauthorization_code,refresh_token\thttps://app.example/cb\n');
    expect(list.stdout).not.toContain(secret);
    expectOneLineError(await run('client', 'create', '--id', 'cli-app', '--redirect-uri', 'https://app.example/cb'), 1, /already exists/);
    expectOneLineError(await run('client', 'create', '--id', 'frag', '--redirect-uri', 'https://app.example/cb#x'), 1, /fragments/);
    expectOneLineError(await run('client', 'create', '--id', 'ropc', '--grant-type', 'password'), 1, /RFC 9700 §2\.4/);

    // a secret given on the command line is not printed back; a warning is one line on stderr
    const plain = await run('client', 'create', '--id', 'plain', '--secret', 'plain-secret-0123456789abc', '--redirect-uri', 'http://intranet.example/cb');
    expect(plain).toMatchObject({ code: 0, stdout: 'created client plain\n' });
    expect(plain.stderr).toMatch(/^gatehouse: warning: redirect_uris\[0\]: redirect URIs should use https.*\(RFC 9700 §2\.6\)\n$/);
    expectOutput(await run('client', 'delete', 'plain'), 'deleted client plain\n');

    expectOutput(await run('client', 'delete', 'cli-app'), 'deleted client cli-app\n');
    expect(await inspect((core) => core.clients.find('cli-app'))).toBeUndefined();
    expectOneLineError(await run('client', 'delete', 'cli-app'), 1, /no client with client_id cli-app/);
    expectOutput(await run('client', 'list'), /^no clients yet/);
  }, SLOW);
});

describe('gatehouse keys', () => {
  it('creates keys, then rotates: new keys sign, old ones stay published', async () => {
    const keysEnv = { ...env, GATEHOUSE_KEYS_FILE: path.join(tempDir('gatehouse-keys-'), 'jwks.json') };
    const keys = (...args: string[]) => gatehouseCli(['keys', ...args], keysEnv);
    const kidsIn = (result: CliResult) => [...result.stdout.matchAll(/^new signing key (\S+) /gm)].map((m) => m[1]).sort();

    expectOutput(await keys('list'), /^no keys at /);
    const first = await keys('rotate');
    expectOutput(first, /^new signing key .*\nnew signing key .*\nwritten to /);
    expect(fs.statSync(keysEnv.GATEHOUSE_KEYS_FILE).mode & 0o777).toBe(0o600);
    const second = await keys('rotate');
    expectOutput(second, /^new signing key /);

    const lines = (await keys('list')).stdout.trim().split('\n').map((line) => line.split('\t'));
    expect(lines).toHaveLength(4);
    const signing = lines.filter((l) => l[3] === 'signing');
    const retired = lines.filter((l) => l[3]!.startsWith('retired '));
    expect(signing.map((l) => l[1]).sort()).toEqual(['ES256', 'RS256']);
    expect(signing.map((l) => l[0]).sort()).toEqual(kidsIn(second));
    expect(retired.map((l) => l[0]).sort()).toEqual(kidsIn(first));
    expect(retired.every((l) => /published until \d{4}-/.test(l[3]!))).toBe(true);
  }, SLOW);
});

describe('gatehouse saml sp', () => {
  it('adds an SP from its metadata with settings, lists, updates and removes it', async () => {
    const metadata = path.resolve('test/fixtures/saml/sp-metadata.xml');
    expectOutput(await run('saml', 'sp', 'add', '--metadata-file', metadata, '--attribute', 'email=mail', '--attribute', 'roles=groups', '--idp-initiated'),
      'added SAML service provider https://sp.example.com/metadata\n');
    expectOutput(await run('saml', 'sp', 'list'), 'https://sp.example.com/metadata\tpersistent\tencrypted,idp-initiated\n');
    expect(await inspect(async (core) => (await core.saml.registry.find('https://sp.example.com/metadata'))!.settings)).toMatchObject({
      attributes: { email: 'mail', roles: 'groups' }, idpInitiated: true, encryptAssertion: true,
    });
    expectOutput(await run('saml', 'sp', 'add', '--metadata-file', metadata, '--no-encryption'), 'updated SAML service provider https://sp.example.com/metadata\n');
    expectOutput(await run('saml', 'sp', 'remove', 'https://sp.example.com/metadata'), 'removed SAML service provider https://sp.example.com/metadata\n');
    expectOutput(await run('saml', 'sp', 'list'), /^no SAML service providers yet/);
  }, SLOW);

  it('refuses bad input in one sentence', async () => {
    expectOneLineError(await run('saml', 'sp', 'add'), 2, /give exactly one of --metadata-file or --metadata-url/);
    expectOneLineError(await run('saml', 'sp', 'add', '--metadata-file', path.resolve('test/fixtures/saml/xxe-metadata.xml')), 1, /SP metadata must not contain a document type declaration/);
    expectOneLineError(await run('saml', 'sp', 'add', '--metadata-file', path.resolve('test/fixtures/saml/plain-sp-metadata.xml'), '--attribute', 'mail'), 2, /--attribute takes SOURCE=NAME/);
    expectOneLineError(await run('saml', 'sp', 'remove', 'https://nobody.example'), 1, /no SAML service provider with entity ID https:\/\/nobody\.example/);
  }, SLOW);
});

describe('gatehouse idp', () => {
  it('adds upstream OIDC and SAML identity providers, lists and removes them, and refuses bad input in one sentence', async () => {
    expectOutput(await run('idp', 'add-oidc', '--id', 'corp', '--name', 'Corp', '--issuer', 'https://login.corp.example', '--client-id', 'gatehouse',
      '--client-secret', 's3cret', '--domain', 'corp.example', '--roles-from', 'groups', '--role', 'admins=admin'), /^saved OIDC identity provider corp; its redirect URI: .*\/federation\/oidc\/corp\/callback\n$/);
    const idpMetadata = path.join(tempDir('gatehouse-idp-'), 'idp.xml');
    fs.writeFileSync(idpMetadata, fs.readFileSync(path.resolve('test/fixtures/saml/sp-metadata.xml'), 'utf8')
      .replace(/<md:SPSSODescriptor[\s\S]*<\/md:SPSSODescriptor>/, `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${
        fs.readFileSync(path.resolve('test/fixtures/saml/other-signing.crt'), 'utf8').replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '')
      }</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.corp.example/sso"/></md:IDPSSODescriptor>`));
    expectOutput(await run('idp', 'add-saml', '--id', 'corp-saml', '--name', 'Corp SAML', '--metadata-file', idpMetadata), /^saved SAML identity provider corp-saml; give it our metadata: .*\/saml\/sp\/corp-saml\/metadata\n$/);
    expectOutput(await run('idp', 'list'), 'corp\toidc\tCorp\tcorp.example\ncorp-saml\tsaml\tCorp SAML\t-\n');
    expect(await inspect((core) => core.store.upstreams.find('corp'))).toMatchObject({ kind: 'oidc', mapping: { roles: { from: 'groups', map: { admins: 'admin' } } } });
    expectOutput(await run('idp', 'remove', 'corp'), 'removed identity provider corp\n');
    expectOneLineError(await run('idp', 'add-oidc', '--id', 'Bad Id', '--name', 'X', '--issuer', 'not a url', '--client-id', 'c'), 2, /id: must be lower-case letters.*issuer: /);
    expectOneLineError(await run('idp', 'add-saml', '--id', 'x', '--name', 'X', '--metadata-file', path.resolve('test/fixtures/saml/sp-metadata.xml')), 1, /IdP metadata: there must be exactly one md:IDPSSODescriptor/);
    expectOneLineError(await run('idp', 'remove', 'nope'), 1, /no upstream identity provider with id nope/);
  }, SLOW);
});

describe('gatehouse import and migrate', () => {
  const file = path.resolve('test/fixtures/import/valid.yaml');

  it('reports what an import did, and what a dry run would do', async () => {
    expectOutput(await run('import', file, '--dry-run'),
      'dry run, nothing written; would apply clients: 2 created, 0 updated, 0 unchanged; users: 1 created, 0 updated, 0 unchanged; roles: 0 created, 0 updated, 0 unchanged; SAML service providers: 0 created, 0 updated, 0 unchanged; identity providers: 0 created, 0 updated, 0 unchanged; organizations: 0 created, 0 updated, 0 unchanged\n');
    expectOutput(await run('import', file), 'clients: 2 created, 0 updated, 0 unchanged; users: 1 created, 0 updated, 0 unchanged; roles: 0 created, 0 updated, 0 unchanged; SAML service providers: 0 created, 0 updated, 0 unchanged; identity providers: 0 created, 0 updated, 0 unchanged; organizations: 0 created, 0 updated, 0 unchanged\n');
    expectOutput(await run('import', '--dry-run', file),
      'dry run, nothing written; would apply clients: 0 created, 0 updated, 2 unchanged; users: 0 created, 0 updated, 1 unchanged; roles: 0 created, 0 updated, 0 unchanged; SAML service providers: 0 created, 0 updated, 0 unchanged; identity providers: 0 created, 0 updated, 0 unchanged; organizations: 0 created, 0 updated, 0 unchanged\n');
    expect((await run('user', 'list')).stdout).toMatch(/^alice@example\.com\t.*\tAlice Example\troles: admin\tverified$/m);

    const bad = await run('import', path.resolve('test/fixtures/import/one-bad-client.yaml'));
    expect(bad).toMatchObject({ code: 1, stdout: '' });
    expect(bad.stderr).toMatch(/was not applied:\n {2}- clients\[1\] \(bad-app\): redirect_uris must not contain fragments\n$/);
    expect((await run('client', 'list')).stdout).not.toContain('good-app');

    const missing = await run('import', path.join(os.tmpdir(), 'no-such-import.yaml'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no-such-import\.yaml was not applied:\n {2}- cannot read the file: ENOENT: no such file or directory\n$/);
  }, SLOW);

  it('migrates and checks for drift', async () => {
    expectOutput(await run('migrate'), 'the database is up to date\n');
    expectOutput(await run('migrate', '--check'), 'the database is up to date\nentities and migrations agree\n');
  }, SLOW);

  it('applies every migration to an empty database', async () => {
    const empty = { ...env, DATABASE_URL: await freshDatabaseUrl() };
    expectOutput(await gatehouseCli(['migrate', '--check'], empty), /^applied .+\n(applied .+\n)*entities and migrations agree\n$/);
    expectOutput(await gatehouseCli(['migrate'], empty), 'the database is up to date\n');
  }, SLOW);
});

describe('mistakes in the command', () => {
  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['user', 'create', '--emial', 'x@example.com'], /Unknown option '--emial'/],
    [['client', 'list', '--verbose'], /Unknown option '--verbose'/],
    [['user'], /user needs a subcommand/],
    [['user', 'create', '--password', 'long enough passphrase'], /--email is required/],
    [['user', 'create', '--email', 'x@example.com', '--password', 'long enough passphrase', '--password-stdin'], /not both/],
    [['client', 'delete'], /give the client_id to delete/],
    [['import'], /give exactly one import file/],
  ])('%j exits 2 with one line', async (args, message) => {
    expectOneLineError(await run(...args), 2, message);
  });

  it('reports every bad setting at once', async () => {
    const result = await gatehouseCli(['user', 'list'], { ...env, PORT: 'eighty', ISSUER: 'not a url' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ISSUER: /);
    expect(result.stderr).toMatch(/PORT: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
