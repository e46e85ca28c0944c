import type { Core } from '../../../src/app.ts';
import { applyImport, ImportError } from '../../../src/import/apply-import.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';

async function problemsOf(run: Promise<unknown>): Promise<string[]> {
  const error = await run.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ImportError);
  return (error as ImportError).problems;
}

/** The organizations key of the import file: keyed by slug, idempotent, all or nothing. */
describe('importing organizations', () => {
  let gatehouse: TestGatehouse;
  let core: Core;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ storage: 'postgres' });
    core = gatehouse.running.core;
    await core.accounts.create({ email: 'existing@example.com', password: 'a perfectly fine passphrase' });
  });
  afterAll(() => gatehouse.close());

  const file = {
    users: [{ email: 'New@Example.com', password: 'a perfectly fine passphrase' }],
    organizations: [{
      slug: 'acme', name: 'Acme Corp', logo_url: 'https://logos.example.com/acme.svg', primary_color: '#aa3300', require_mfa: true,
      members: [{ email: 'new@example.com', roles: ['owner'] }, { email: 'existing@example.com' }],
    }, { slug: 'globex', name: 'Globex' }],
  };
  const members = async (slug: string) => Promise.all((await core.organizations.members(slug))
    .map(async (m) => ({ email: (await core.accounts.findById(m.accountId))!.email, roles: m.roles })));

  it('creates organizations with their members, users of the same file included; re-applying changes nothing', async () => {
    const dry = await applyImport(core, file, 'inline', { dryRun: true });
    expect(dry.organizations).toEqual({ created: 2, updated: 0, unchanged: 0 });
    expect(await core.organizations.find('acme')).toBeUndefined();

    const summary = await applyImport(core, file, 'inline', { dryRun: false });
    expect(summary.organizations).toEqual({ created: 2, updated: 0, unchanged: 0 });
    expect(await core.organizations.find('acme')).toMatchObject({
      name: 'Acme Corp', logoUrl: 'https://logos.example.com/acme.svg', primaryColor: '#aa3300', backgroundColor: null, requireMfa: true,
    });
    expect(await members('acme')).toEqual(expect.arrayContaining([
      { email: 'new@example.com', roles: ['owner'] }, { email: 'existing@example.com', roles: [] },
    ]));
    expect((await applyImport(core, file, 'inline', { dryRun: false })).organizations).toEqual({ created: 0, updated: 0, unchanged: 2 });

    const renamed = { organizations: [{ slug: 'globex', name: 'Globex Corporation', members: [{ email: 'existing@example.com', roles: ['viewer'] }] }] };
    expect((await applyImport(core, renamed, 'inline', { dryRun: false })).organizations).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect(await core.organizations.find('globex')).toMatchObject({ name: 'Globex Corporation' });
    expect(await members('globex')).toEqual([{ email: 'existing@example.com', roles: ['viewer'] }]);
  });

  it('rejects bad entries by their path, and applies nothing of the file', async () => {
    const bad = {
      clients: [{ client_id: 'would-be-created', client_secret: 'a-secret-of-enough-length-0123', redirect_uris: ['https://app.example.com/cb'] }],
      organizations: [
        { slug: 'initech', name: 'Initech', members: [{ email: 'existing@example.com' }, { email: 'nobody@example.com' }] },
        { slug: 'evil', name: 'Evil', primary_color: 'red;}body{display:none' },
        { slug: 'Bad Slug', name: 'x', colour: '#000000' },
      ],
    };
    const problems = await problemsOf(applyImport(core, bad, 'inline', { dryRun: false }));
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^organizations\[1\]\.primary_color: must be a colour written #rrggbb/),
      expect.stringMatching(/^organizations\[2\]\.slug: must be/),
      expect.stringMatching(/^organizations\[2\]: Unrecognized key: "colour"/),
    ]));
    const schemaOk = { ...bad, organizations: [bad.organizations[0]!, { slug: 'initech', name: 'Again' }] };
    expect(await problemsOf(applyImport(core, schemaOk, 'inline', { dryRun: false }))).toEqual([
      'organizations[0].members[1].email: there is no user nobody@example.com; add it under users or create it first',
      'organizations[1].slug: initech already appears at organizations[0]',
    ]);
    expect(await core.organizations.find('initech')).toBeUndefined();
    expect(await core.store.clients.find('would-be-created')).toBeUndefined();
  });
});
