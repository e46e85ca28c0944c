import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import type { Core } from '../../../src/app.ts';
import { applyImport, applyImportFile, ImportError } from '../../../src/import/apply-import.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover } from '../../helpers/relying-party.ts';

const fixture = (name: string) => path.resolve('test/fixtures/import', name);
const ALICE = { email: 'alice@example.com', password: 'correct horse battery staple' };

/** The problems an import reports, or a failure when it applies. */
async function problemsOf(run: Promise<unknown>): Promise<string[]> {
  const error = await run.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ImportError);
  return (error as ImportError).problems;
}

/** A snapshot of everything an import can touch. */
async function snapshot(core: Core) {
  const accounts = await core.store.accounts.list();
  return { clients: await core.store.clients.list(), accounts: accounts.map((a) => ({ ...a })) };
}

describe('import file', () => {
  let gatehouse: TestGatehouse;
  let core: Core;

  beforeAll(async () => {
    gatehouse = await startGatehouse();
    core = gatehouse.running.core;
  });
  afterAll(() => gatehouse.close());

  it('creates clients and users that work for a real sign-in', async () => {
    const summary = await applyImportFile(core, fixture('valid.yaml'), { dryRun: false });
    expect(summary).toEqual({
      clients: { created: 2, updated: 0, unchanged: 0 },
      users: { created: 1, updated: 0, unchanged: 0 },
      warnings: [],
    });
    const alice = await core.accounts.findByEmail('ALICE@example.com');
    expect(alice).toMatchObject({ email: ALICE.email, name: 'Alice Example', emailVerified: true, roles: ['admin'] });
    const job = await core.clients.find('reporting-job');
    expect(typeof job?.client_secret).toBe('string'); // generated for client_secret_basic

    const rp = await discover(gatehouse.issuer, 'web-app', 'web-app-secret-0123456789');
    const { callback, verifier, nonce, state } = await authorize(rp, ALICE, { scope: 'openid' });
    await expect(oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state }))
      .resolves.toBeDefined();
  });

  it('changes nothing when the same file is applied again', async () => {
    const before = await snapshot(core);
    const summary = await applyImportFile(core, fixture('valid.yaml'), { dryRun: false });
    expect(summary).toEqual({
      clients: { created: 0, updated: 0, unchanged: 2 },
      users: { created: 0, updated: 0, unchanged: 1 },
      warnings: [],
    });
    expect(await snapshot(core)).toEqual(before); // same secrets, same hashes, same updated_at
  });

  it('updates in place, keyed by client_id and (case-insensitive) email', async () => {
    const summary = await applyImport(core, {
      clients: [{ client_id: 'web-app', client_secret: 'web-app-secret-0123456789', client_name: 'Renamed App', redirect_uris: ['http://127.0.0.1:9/callback'] }],
      users: [{ email: 'ALICE@EXAMPLE.COM', name: 'Alice Renamed' }],
    }, 'inline', { dryRun: false });
    expect(summary.clients.updated).toBe(1);
    expect(summary.users.updated).toBe(1);
    expect((await core.clients.find('web-app'))?.client_name).toBe('Renamed App');
    const accounts = await core.accounts.list();
    expect(accounts.filter((a) => a.email === ALICE.email)).toHaveLength(1);
    expect(accounts.find((a) => a.email === ALICE.email)?.name).toBe('Alice Renamed');
  });

  it('applies nothing when one client is bad, and names the entry and field', async () => {
    const before = await snapshot(core);
    const problems = await problemsOf(applyImportFile(core, fixture('one-bad-client.yaml'), { dryRun: false }));
    expect(problems).toEqual([expect.stringMatching(/^clients\[1\] \(bad-app\): redirect_uris must not contain fragments$/)]);
    expect(await snapshot(core)).toEqual(before);
    expect(await core.clients.find('good-app')).toBeUndefined();
    expect(await core.accounts.findByEmail('bob@example.com')).toBeUndefined();
  });

  it('rejects unknown keys with their path', async () => {
    const problems = await problemsOf(applyImportFile(core, fixture('unknown-keys.json'), { dryRun: false }));
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^clients\[0\]\.colour: /),
      expect.stringMatching(/^users\[0\]: .*pasword/),
      expect.stringMatching(/^\(top level\): .*groups/),
    ]));
  });

  it.each([
    ['a duplicate client_id', { clients: [{ client_id: 'a', redirect_uris: ['https://a.example/cb'] }, { client_id: 'a', redirect_uris: ['https://a.example/cb'] }] }, /^clients\[1\]\.client_id: a already appears at clients\[0\]$/],
    ['a duplicate email', { users: [{ email: 'x@example.com' }, { email: 'X@example.com' }] }, /^users\[1\]\.email: x@example\.com already appears at users\[0\]$/],
    ['password and password_hash together', { users: [{ email: 'y@example.com', password: 'a long enough passphrase', password_hash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g' }] }, /^users\[0\]: give password or password_hash, not both$/],
    ['a hash that is not argon2id', { users: [{ email: 'z@example.com', password_hash: '$2b$12$abcdefghijklmnopqrstuv' }] }, /^users\[0\]\.password_hash: must be an argon2id PHC string/],
    ['a short password', { users: [{ email: 'w@example.com', password: 'short' }] }, /^users\[0\] \(w@example\.com\): password must be at least 12 characters$/],
    ['an invalid email', { users: [{ email: 'not-an-email' }] }, /^users\[0\]\.email: must be an email address$/],
    ['clients that is not a list', { clients: { client_id: 'a' } }, /^clients: /],
  ])('rejects %s', async (_name, document, expected) => {
    const problems = await problemsOf(applyImport(core, document, 'inline', { dryRun: false }));
    expect(problems).toEqual([expect.stringMatching(expected)]);
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

  it('stores a given argon2id hash as is, and it signs in', async () => {
    await applyImportFile(core, fixture('hashed-user.json'), { dryRun: false });
    const { passwordHash } = (await core.accounts.findByEmail('dave@example.com'))!;
    const file = JSON.parse(fs.readFileSync(fixture('hashed-user.json'), 'utf8'));
    expect(passwordHash).toBe(file.users[0].password_hash);
    await expect(core.accounts.authenticate('dave@example.com', 'daves long passphrase', '192.0.2.1')).resolves.toBeDefined();
  });

  it('reports what a dry run would change and writes nothing', async () => {
    const before = await snapshot(core);
    const summary = await applyImport(core, {
      clients: [{ client_id: 'new-app', redirect_uris: ['https://new.example/cb'] }],
      users: [{ email: 'alice@example.com', name: 'Someone Else' }, { email: 'erin@example.com' }],
    }, 'inline', { dryRun: true });
    expect(summary).toEqual({
      clients: { created: 1, updated: 0, unchanged: 0 },
      users: { created: 1, updated: 1, unchanged: 0 },
      warnings: [],
    });
    expect(await snapshot(core)).toEqual(before);
  });

  it('explains unreadable files in one line', async () => {
    const [broken] = await problemsOf(applyImportFile(core, fixture('broken.yaml'), { dryRun: false }));
    expect(broken).toMatch(/^not valid YAML: /);
    expect(broken).not.toContain('\n');
    const missing = path.join(os.tmpdir(), 'no-such-import-file.yaml');
    expect(await problemsOf(applyImportFile(core, missing, { dryRun: false }))).toEqual(['cannot read the file: ENOENT']);
  });

  it('the example in config/ is valid', async () => {
    const summary = await applyImportFile(core, path.resolve('config/import.example.yaml'), { dryRun: true });
    expect(summary.clients.created + summary.clients.updated).toBe(3);
  });
});
