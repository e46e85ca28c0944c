import { checkpointLatest } from '../../../src/audit/checkpoints.ts';
import { pruneAuditLog } from '../../../src/audit/retention.ts';
import { auditTestbed, type AuditTestbed } from '../../helpers/audit-testbed.ts';

const DAY_MS = 86_400_000;

/**
 * Retention: old rows go up to a signed checkpoint, which stays as the anchor; the kept chain
 * still verifies, and tampering with it (deleting its oldest rows too) is still named.
 */
describe('audit retention', () => {
  let bed: AuditTestbed;
  beforeAll(async () => {
    bed = await auditTestbed();
  });
  afterAll(() => bed.close());
  const core = () => bed.core;
  const db = () => bed.db;

  const append = (n: number) => core().store.audit.append({ action: 'sign_in', actor: `account-${n}`, detail: { n } });
  /** Rows 1–6, a signed checkpoint at 4, then everything older than a day pruned (as seen two days on). */
  const prunedChain = async () => {
    await db().query('TRUNCATE audit_events, audit_checkpoints, audit_anchor');
    for (let i = 1; i <= 4; i++) await append(i);
    expect(await checkpointLatest(core().store.audit, core().signingKeys)).toBe(4);
    for (let i = 5; i <= 6; i++) await append(i);
    expect(await pruneAuditLog(core().store.audit, 1, new Date(Date.now() + 2 * DAY_MS))).toBe(4);
  };
  it('keeps rows younger than the retention period, and what is newer than the last checkpoint', async () => {
    await db().query('TRUNCATE audit_events, audit_checkpoints, audit_anchor');
    for (let i = 1; i <= 3; i++) await append(i);
    expect(await pruneAuditLog(core().store.audit, 1)).toBe(0); // nothing a day old
    expect(await pruneAuditLog(core().store.audit, 1, new Date(Date.now() + 2 * DAY_MS))).toBe(0); // no checkpoint to anchor on
    expect((await db().query('SELECT count(*)::int AS n FROM audit_events')).rows[0].n).toBe(3);
  });

  it('verifies the kept chain from the anchor after a prune, and appends continue it', async () => {
    await prunedChain();
    expect((await db().query('SELECT seq FROM audit_events ORDER BY seq')).rows.map((r) => Number(r.seq))).toEqual([5, 6]);
    expect(await pruneAuditLog(core().store.audit, 1, new Date(Date.now() + 2 * DAY_MS))).toBe(0); // the anchor stays
    let result = await bed.verify();
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^the audit log verifies: 2 rows, last hash [0-9a-f]{64}, 1 signed checkpoint\(s\)\n$/);
    await append(7);
    result = await bed.verify();
    expect(result.stdout).toMatch(/^the audit log verifies: 3 rows, /);
  }, 60_000);

  it('still refuses deletes past the anchor, even with the prune setting', async () => {
    await prunedChain();
    await expect(db().query('DELETE FROM audit_events WHERE seq = 5')).rejects.toThrow(/append-only/);
    await db().query('BEGIN');
    try {
      await db().query(`SELECT set_config('gatehouse.audit_prune_through', '100', true)`);
      await expect(db().query('DELETE FROM audit_events WHERE seq = 5')).rejects.toThrow(/append-only/);
    } finally {
      await db().query('ROLLBACK');
    }
  });

  it.each([
    ['an edited kept row', [`UPDATE audit_events SET detail = '{"n":99}' WHERE seq = 6`], 6, 'edited'],
    ['the oldest kept row deleted', ['DELETE FROM audit_events WHERE seq = 5'], 6, 'missing before it'],
    ['two kept rows swapped', ['UPDATE audit_events SET seq = 100 WHERE seq = 5', 'UPDATE audit_events SET seq = 5 WHERE seq = 6', 'UPDATE audit_events SET seq = 6 WHERE seq = 100'], 5, 'edited'],
    ['a moved anchor', [`UPDATE audit_anchor SET hash = repeat('b', 64)`], 5, 'out of order or inserted'],
  ])('after a prune, fails on %s, naming the row', async (_name, statements, seq, problem) => {
    await prunedChain();
    await bed.tamper(...statements);
    const result = await bed.verify();
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`gatehouse: the audit log does not verify at row ${seq}: ${problem}\n`);
  }, 60_000);

  it('catches a forged anchor: its signature does not hold', async () => {
    await prunedChain();
    const [five] = await core().store.audit.read(5, 1);
    // the anchor claims to be a checkpoint at row 4 with the right hash, but is signed over something else
    const { signature } = (await db().query('SELECT signature FROM audit_anchor')).rows[0] as { signature: string };
    const [header, , sig] = signature.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ seq: 4, hash: five!.prevHash, at: new Date().toISOString() })).toString('base64url')}.${sig}`;
    await bed.tamper(`UPDATE audit_anchor SET signature = '${forged}'`);
    const result = await bed.verify();
    expect(result).toMatchObject({ code: 1, stderr: 'gatehouse: the audit log does not verify at row 4: its signed checkpoint has a bad signature\n' });
  }, 60_000);
});
