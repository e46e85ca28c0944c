import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createCore, type Core } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { GENESIS, rowHash } from '../../../src/audit/audit-chain.ts';
import { checkpointLatest } from '../../../src/audit/checkpoints.ts';
import { gatehouseCli } from '../../helpers/cli.ts';
import { freshDatabaseUrl } from '../../helpers/database.ts';

/**
 * The audit log's hash chain against someone with write access to the table: every edit,
 * deletion, insertion or swap makes `gatehouse audit verify` fail and name the row.
 */
describe('audit log', () => {
  let env: Record<string, string>;
  let core: Core;
  let db: pg.Client;

  beforeAll(async () => {
    env = { DATABASE_URL: await freshDatabaseUrl(), GATEHOUSE_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-audit-')) };
    core = await createCore(loadConfig(env), 'share');
    db = new pg.Client({ connectionString: env.DATABASE_URL });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await core.close();
  });

  /** A fresh chain of six entries (the table emptied behind the append-only trigger's back). */
  const freshChain = async () => {
    await tamper('TRUNCATE audit_events', 'TRUNCATE audit_checkpoints');
    for (let i = 1; i <= 6; i++) await core.store.audit.append({ action: 'sign_in', actor: `account-${i}`, detail: { method: 'password', n: i } });
  };
  /** SQL as a database owner would run it, with the append-only trigger out of the way. */
  const tamper = async (...statements: string[]) => {
    await db.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
    try {
      for (const sql of statements) await db.query(sql);
    } finally {
      await db.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    }
  };
  const verify = () => gatehouseCli(['audit', 'verify'], env);

  it('verifies an untouched chain, and security events land in it', async () => {
    await core.store.securityEvents.record({ accountId: null, kind: 'sign_in_failed', ip: '203.0.113.9', userAgent: null, deviceId: null, detail: { reason: 'invalid_credentials' } });
    const [last] = (await db.query('SELECT action, detail FROM audit_events ORDER BY seq DESC LIMIT 1')).rows;
    expect(last).toMatchObject({ action: 'sign_in_failed', detail: { reason: 'invalid_credentials', ip: '203.0.113.9' } });
    await freshChain();
    const result = await verify();
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^the audit log verifies: 6 rows, last hash [0-9a-f]{64}, 0 signed checkpoint\(s\)\n$/);
  }, 60_000);

  it('signed checkpoints catch a chain rewritten end to end, which the hashes alone cannot', async () => {
    await freshChain();
    expect(await checkpointLatest(core.store.audit, core.signingKeys)).toBe(6);
    expect(await checkpointLatest(core.store.audit, core.signingKeys)).toBeUndefined(); // already signed
    expect((await verify()).stdout).toMatch(/, 1 signed checkpoint\(s\)\n$/);
    // whoever can write the table rewrites row 3 and recomputes every hash after it
    const rows = (await core.store.audit.read(1, 100)).map((r) => (r.seq === 3 ? { ...r, actor: 'mallory' } : r));
    let prev = GENESIS;
    const statements = rows.map((r) => {
      const hash = rowHash(prev, r);
      const sql = `UPDATE audit_events SET actor = '${r.actor}', prev_hash = '${prev}', hash = '${hash}' WHERE seq = ${r.seq}`;
      prev = hash;
      return sql;
    });
    await tamper(...statements);
    const result = await verify();
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('gatehouse: the audit log does not verify at row 6: it does not match its signed checkpoint (the chain was rewritten or cut)\n');
  }, 60_000);

  it('refuses updates and deletes through SQL (append-only)', async () => {
    await expect(db.query("UPDATE audit_events SET action = 'x' WHERE seq = 1")).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_events WHERE seq = 1')).rejects.toThrow(/append-only/);
  });

  it.each([
    ['an edited row', [`UPDATE audit_events SET detail = '{"method":"password","n":99}' WHERE seq = 3`], 3, 'edited'],
    ['a deleted row', ['DELETE FROM audit_events WHERE seq = 4'], 5, 'missing before it'],
    ['an inserted row', [
      'UPDATE audit_events SET seq = seq + 100 WHERE seq >= 3', 'UPDATE audit_events SET seq = seq - 99 WHERE seq >= 103',
      `INSERT INTO audit_events (seq, at, action, actor, detail, prev_hash, hash) SELECT 3, now(), 'grant_admin', 'mallory', '{}', hash, repeat('a', 64) FROM audit_events WHERE seq = 2`,
    ], 3, 'edited'],
    ['two swapped rows', [
      'UPDATE audit_events SET seq = 100 WHERE seq = 2', 'UPDATE audit_events SET seq = 2 WHERE seq = 3', 'UPDATE audit_events SET seq = 3 WHERE seq = 100',
    ], 2, 'edited'],
  ])('fails on %s, naming the row', async (_name, statements, seq, problem) => {
    await freshChain();
    await tamper(...statements);
    const result = await verify();
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`gatehouse: the audit log does not verify at row ${seq}: ${problem}\n`);
  }, 60_000);
});
