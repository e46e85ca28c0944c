import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { gatehouseCli, type CliResult } from '../../helpers/cli.ts';
import { freshDatabaseUrl } from '../../helpers/database.ts';

let env: Record<string, string>;
const run = (...args: string[]) => gatehouseCli(args, env);

/** A failure an operator can act on: a non-zero exit, one line on stderr, no stack trace. */
function expectOneLineError(result: CliResult, code: number, message: RegExp): void {
  expect(result.code).toBe(code);
  expect(result.stderr).toMatch(/^gatehouse: .+\n$/);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

beforeAll(async () => {
  env = {
    DATABASE_URL: await freshDatabaseUrl(),
    GATEHOUSE_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-cli-')),
  };
});

describe('gatehouse user', () => {
  it('creates, lists, changes passwords and roles', async () => {
    const created = await run('user', 'create', '--email', 'Ops@Example.com', '--password', 'operator passphrase', '--name', 'Ops', '--verified');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(/^created user ops@example\.com \(id [0-9a-f-]{36}\)\n$/);

    expectOneLineError(await run('user', 'create', '--email', 'ops@example.com', '--password', 'another passphrase'), 1, /already exists/);
    expectOneLineError(await run('user', 'create', '--email', 'short@example.com', '--password', 'short'), 1, /at least 12 characters/);

    expect((await run('user', 'add-role', '--email', 'ops@example.com', '--role', 'admin')).code).toBe(0);
    const stdin = await gatehouseCli(['user', 'set-password', '--email', 'ops@example.com', '--password-stdin'], env, 'a brand new passphrase\n');
    expect(stdin).toMatchObject({ code: 0, stdout: 'password set for ops@example.com\n' });

    const list = await run('user', 'list');
    expect(list.stdout).toMatch(/^ops@example\.com\t[0-9a-f-]{36}\tOps\troles: admin\tverified\n$/);

    const core = await createCore(loadConfig(env), 'share');
    try {
      await expect(core.accounts.authenticate('ops@example.com', 'a brand new passphrase', '192.0.2.7')).resolves.toMatchObject({ roles: ['admin'] });
    } finally {
      await core.close();
    }
    expectOneLineError(await run('user', 'set-password', '--email', 'nobody@example.com', '--password', 'whatever passphrase'), 1, /no user with the email nobody@example\.com/);
  });
});

describe('gatehouse client', () => {
  it('creates a client with a generated secret shown once, lists and deletes it', async () => {
    const created = await run('client', 'create', '--id', 'cli-app', '--redirect-uri', 'https://app.example/cb', '--name', 'CLI App');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^created client cli-app\nclient_secret: [A-Za-z0-9_-]{43}\n\(shown once; store it now\)\n$/);

    expect((await run('client', 'list')).stdout).toBe('cli-app\tauthorization_code,refresh_token\thttps://app.example/cb\n');
    expectOneLineError(await run('client', 'create', '--id', 'cli-app', '--redirect-uri', 'https://app.example/cb'), 1, /already exists/);
    expectOneLineError(await run('client', 'create', '--id', 'frag', '--redirect-uri', 'https://app.example/cb#x'), 1, /fragments/);
    expectOneLineError(await run('client', 'create', '--id', 'ropc', '--grant-type', 'password'), 1, /RFC 9700 §2\.4/);
    const plain = await run('client', 'create', '--id', 'plain', '--secret', 'plain-secret-0123456789abc', '--redirect-uri', 'http://intranet.example/cb');
    expect(plain).toMatchObject({ code: 0, stdout: 'created client plain\n' });
    expect(plain.stderr).toMatch(/^gatehouse: warning: redirect_uris\[0\]: redirect URIs should use https.*\(RFC 9700 §2\.6\)\n$/);
    expect((await run('client', 'delete', 'plain')).code).toBe(0);

    expect(await run('client', 'delete', 'cli-app')).toMatchObject({ code: 0, stdout: 'deleted client cli-app\n' });
    expectOneLineError(await run('client', 'delete', 'cli-app'), 1, /no client with client_id cli-app/);
    expect((await run('client', 'list')).stdout).toMatch(/^no clients yet/);
  });
});

describe('gatehouse keys', () => {
  it('creates keys, then rotates: new keys sign, old ones stay published', async () => {
    const keysEnv = { ...env, GATEHOUSE_KEYS_FILE: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-keys-')), 'jwks.json') };
    expect((await gatehouseCli(['keys', 'list'], keysEnv)).stdout).toMatch(/^no keys at /);
    await gatehouseCli(['keys', 'rotate'], keysEnv);
    expect(fs.statSync(keysEnv.GATEHOUSE_KEYS_FILE).mode & 0o777).toBe(0o600);
    await gatehouseCli(['keys', 'rotate'], keysEnv);
    const lines = (await gatehouseCli(['keys', 'list'], keysEnv)).stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.filter((l) => l.endsWith('\tsigning')).map((l) => l.split('\t')[1]).sort()).toEqual(['ES256', 'RS256']);
    expect(lines.filter((l) => l.includes('retired'))).toHaveLength(2);
  });
});

describe('gatehouse import and migrate', () => {
  it('reports what an import did, and what a dry run would do', async () => {
    const file = path.resolve('test/fixtures/import/valid.yaml');
    expect((await run('import', file, '--dry-run')).stdout)
      .toBe('dry run, nothing written; would apply clients: 2 created, 0 updated, 0 unchanged; users: 1 created, 0 updated, 0 unchanged\n');
    expect((await run('import', file)).stdout).toBe('clients: 2 created, 0 updated, 0 unchanged; users: 1 created, 0 updated, 0 unchanged\n');
    const bad = await run('import', path.resolve('test/fixtures/import/one-bad-client.yaml'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/was not applied:\n {2}- clients\[1\] \(bad-app\): redirect_uris must not contain fragments\n$/);
  });

  it('migrates and checks for drift', async () => {
    expect(await run('migrate')).toMatchObject({ code: 0, stdout: 'the database is up to date\n' });
    expect(await run('migrate', '--check')).toMatchObject({ code: 0, stdout: 'the database is up to date\nentities and migrations agree\n' });
  });
});

describe('mistakes in the command', () => {
  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['user', 'create', '--emial', 'x@example.com'], /Unknown option '--emial'/],
    [['user'], /user needs a subcommand/],
    [['user', 'create', '--password', 'long enough passphrase'], /--email is required/],
    [['import'], /give exactly one import file/],
  ])('%j exits 2 with one line', async (args, message) => {
    expectOneLineError(await run(...args), 2, message);
  });

  it('reports every bad setting at once', async () => {
    const result = await gatehouseCli(['user', 'list'], { ...env, PORT: 'eighty', ISSUER: 'not a url' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ISSUER: /);
    expect(result.stderr).toMatch(/PORT: /);
  });
});
