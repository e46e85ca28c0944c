import { GENESIS, canonical, rowHash, verifyChain, type AuditRow } from '../../src/audit/audit-chain.ts';

/** A valid chain of n rows. */
function chain(n: number): AuditRow[] {
  const rows: AuditRow[] = [];
  let prev = GENESIS;
  for (let seq = 1; seq <= n; seq++) {
    const row = { seq, at: new Date(Date.UTC(2026, 0, seq)), action: 'sign_in', actor: `a${seq}`, detail: { n: seq } };
    const hash = rowHash(prev, row);
    rows.push({ ...row, prevHash: prev, hash });
    prev = hash;
  }
  return rows;
}

describe('audit hash chain', () => {
  it('is canonical: key order does not matter, content does', () => {
    expect(canonical({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
    const row = chain(1)[0]!;
    expect(rowHash(GENESIS, { ...row, detail: { n: 1 } })).toBe(row.hash);
    expect(rowHash(GENESIS, { ...row, detail: { n: 2 } })).not.toBe(row.hash);
  });

  it('verifies an untouched chain and names the first broken row', () => {
    const rows = chain(5);
    expect(verifyChain(rows)).toBeUndefined();
    expect(verifyChain(rows.map((r) => (r.seq === 3 ? { ...r, actor: 'mallory' } : r)))).toEqual({ seq: 3, problem: 'edited' });
    expect(verifyChain(rows.filter((r) => r.seq !== 2))).toEqual({ seq: 3, problem: 'missing before it' });
    expect(verifyChain([rows[0]!, rows[2]!, rows[1]!, rows[3]!])).toEqual({ seq: 3, problem: 'missing before it' });
    const [first, second] = rows;
    expect(verifyChain([first!, { ...second!, prevHash: 'f'.repeat(64), hash: rowHash('f'.repeat(64), second!) }])).toEqual({ seq: 2, problem: 'out of order or inserted' });
  });
});
