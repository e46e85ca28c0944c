import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { gatehouseCli } from '../../helpers/cli.ts';
import { freshDatabaseUrl } from '../../helpers/database.ts';
import { startMailbox, type Mailbox } from '../../helpers/mailbox.ts';

const SLOW = 90_000; // each command is a process that opens the database
let env: Record<string, string>;
let mailbox: Mailbox;
const run = (...args: string[]) => gatehouseCli(['org', ...args], env);

/** The audit log's admin.organization.* rows, read from PostgreSQL itself. */
async function auditedActions(): Promise<string[][]> {
  const db = new pg.Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  try {
    const { rows } = await db.query("SELECT action, actor FROM audit_events WHERE action LIKE 'admin.organization.%' ORDER BY seq");
    return rows.map((r: { action: string; actor: string }) => [r.action, r.actor]);
  } finally {
    await db.end();
  }
}

beforeAll(async () => {
  mailbox = await startMailbox();
  env = { DATABASE_URL: await freshDatabaseUrl(), GATEHOUSE_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-org-cli-')), SMTP_URL: mailbox.url };
  await gatehouseCli(['user', 'create', '--email', 'member@example.com', '--password', 'a perfectly fine passphrase'], env);
});
afterAll(() => mailbox.close());

describe('gatehouse org', () => {
  it('creates, lists, manages members, invites and deletes, each change in the audit log', async () => {
    const created = await run('create', '--slug', 'acme', '--name', 'Acme Corp', '--primary-color', '#aa3300', '--require-mfa');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(/^created organization acme \(id [0-9a-f-]{36}\)\n$/);

    const bad = await run('create', '--slug', 'evil', '--name', 'Evil', '--primary-color', 'red');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('gatehouse: primary_color must be a colour written #rrggbb\n');

    expect((await run('list')).stdout).toMatch(/^acme\t[0-9a-f-]{36}\tAcme Corp\trequires MFA\n$/);
    expect((await run('add-member', '--org', 'acme', '--email', 'member@example.com', '--role', 'owner', '--role', 'billing')).stdout)
      .toBe('member@example.com is a member of acme with roles: billing,owner\n');
    expect((await run('add-member', '--org', 'acme', '--email', 'nobody@example.com')).stderr).toBe('gatehouse: There is no account with the email nobody@example.com.\n');
    expect((await run('add-member', '--org', 'nope', '--email', 'member@example.com')).stderr).toBe('gatehouse: There is no organization "nope".\n');

    const invited = await run('invite', '--org', 'acme', '--email', 'guest@example.com', '--role', 'viewer');
    expect(invited.stdout).toMatch(/^invited guest@example\.com to acme; the link works until \d{4}-/);
    expect((await mailbox.next('guest@example.com')).text).toMatch(/\/invitations\/accept\?token=[\w-]{43}/);

    expect((await run('remove-member', '--org', 'acme', '--email', 'member@example.com')).stdout).toBe('member@example.com is no longer a member of acme\n');
    expect((await run('remove-member', '--org', 'acme', '--email', 'member@example.com')).code).toBe(1);
    expect((await run('delete', 'acme')).stdout).toBe('deleted organization acme\n');
    expect((await run('list')).stdout).toBe('no organizations yet; add one with "gatehouse org create"\n');

    const actions = await auditedActions();
    const me = `cli:${os.userInfo().username}`;
    expect(actions).toEqual([
      ['admin.organization.create', me], ['admin.organization.member.add', me], ['admin.organization.invite', me],
      ['admin.organization.member.remove', me], ['admin.organization.delete', me],
    ]);
  }, SLOW);
});
