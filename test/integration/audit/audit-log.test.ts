import { GENESIS, rowHash } from '../../../src/audit/audit-chain.ts';
import { checkpointLatest } from '../../../src/audit/checkpoints.ts';
import { auditTestbed, type AuditTestbed } from '../../helpers/audit-testbed.ts';

/**
 * The audit log's hash chain against someone with write access to the table: every edit,
 * deletion, insertion or swap makes `gatehouse audit verify` fail and name the row.
 */
describe('audit log', () => {
  let bed: AuditTestbed;
  beforeAll(async () => {
    bed = await auditTestbed();
  });
  afterAll(() => bed.close());

  /** A fresh chain of six entries (the table emptied behind the append-only trigger's back). */
  const freshChain = async () => {
    await bed.tamper('TRUNCATE audit_events', 'TRUNCATE audit_checkpoints');
    for (let i = 1; i <= 6; i++) await bed.core.store.audit.append({ action: 'sign_in', actor: `account-${i}`, detail: { method: 'password', n: i } });
  };

  it('verifies an untouched chain, and security events land in it', async () => {
    await bed.core.store.securityEvents.record({ accountId: null, kind: 'sign_in_failed', ip: '203.0.113.9', userAgent: null, deviceId: null, detail: { reason: 'invalid_credentials' } });
    const [last] = (await bed.db.query('SELECT action, detail FROM audit_events ORDER BY seq DESC LIMIT 1')).rows;
    expect(last).toMatchObject({ action: 'sign_in_failed', detail: { reason: 'invalid_credentials', ip: '203.0.113.9' } });
    await freshChain();
    const result = await bed.verify();
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^the audit log verifies: 6 rows, last hash [0-9a-f]{64}, 0 signed checkpoint\(s\)\n$/);
  }, 60_000);

  it('signed checkpoints catch a chain rewritten end to end, which the hashes alone cannot', async () => {
    await freshChain();
    expect(await checkpointLatest(bed.core.store.audit, bed.core.signingKeys)).toBe(6);
    expect(await checkpointLatest(bed.core.store.audit, bed.core.signingKeys)).toBeUndefined(); // already signed
    expect((await bed.verify()).stdout).toMatch(/, 1 signed checkpoint\(s\)\n$/);
    // whoever can write the table rewrites row 3 and recomputes every hash after it
    const rows = (await bed.core.store.audit.read(1, 100)).map((r) => (r.seq === 3 ? { ...r, actor: 'mallory' } : r));
    let prev = GENESIS;
    const statements = rows.map((r) => {
      const hash = rowHash(prev, r);
      const sql = `UPDATE audit_events SET actor = '${r.actor}', prev_hash = '${prev}', hash = '${hash}' WHERE seq = ${r.seq}`;
      prev = hash;
      return sql;
    });
    await bed.tamper(...statements);
    const result = await bed.verify();
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('gatehouse: the audit log does not verify at row 6: it does not match its signed checkpoint (the chain was rewritten or cut)\n');
  }, 60_000);

  it('refuses updates and deletes through SQL (append-only), of entries and of signed checkpoints', async () => {
    await expect(bed.db.query("UPDATE audit_events SET action = 'x' WHERE seq = 1")).rejects.toThrow(/append-only/);
    await expect(bed.db.query('DELETE FROM audit_events WHERE seq = 1')).rejects.toThrow(/append-only/);
    await freshChain();
    expect(await checkpointLatest(bed.core.store.audit, bed.core.signingKeys)).toBe(6);
    await expect(bed.db.query("UPDATE audit_checkpoints SET signature = 'forged' WHERE seq = 6")).rejects.toThrow(/audit_checkpoints is append-only/);
    await expect(bed.db.query('DELETE FROM audit_checkpoints WHERE seq = 6')).rejects.toThrow(/audit_checkpoints is append-only/);
    // a second node signing the same row at the same time leaves the first signature in place
    await bed.core.store.audit.saveCheckpoint({ seq: 6, hash: 'f'.repeat(64), signature: 'another' });
    expect((await bed.core.store.audit.checkpoints()).map((c) => c.signature)).not.toContain('another');
    expect((await bed.verify()).code).toBe(0);
  }, 60_000);

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
    await bed.tamper(...statements);
    const result = await bed.verify();
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`gatehouse: the audit log does not verify at row ${seq}: ${problem}\n`);
  }, 60_000);
});
