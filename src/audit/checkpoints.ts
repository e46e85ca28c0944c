import { CompactSign, compactVerify, importJWK, type JWK } from 'jose';
import type { AuditStore } from './audit-log.ts';

/**
 * Signs the chain's newest row with the IdP's ES256 key, unless it is signed already. Anyone
 * who can rewrite the table can recompute a chain; nobody without the key can re-sign it.
 */
export async function checkpointLatest(store: AuditStore, signingKeys: JWK[]): Promise<number | undefined> {
  const last = await store.last();
  if (!last) return undefined;
  if ((await store.latestCheckpoint())?.seq === last.seq) return undefined;
  const key = signingKeys.find((k) => k.alg === 'ES256' && k.d);
  if (!key) throw new Error('no ES256 signing key to sign audit checkpoints with');
  const payload = new TextEncoder().encode(JSON.stringify({ seq: last.seq, hash: last.hash, at: new Date().toISOString() }));
  const signature = await new CompactSign(payload).setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'gatehouse-audit-checkpoint' })
    .sign(await importJWK(key, 'ES256'));
  await store.saveCheckpoint({ seq: last.seq, hash: last.hash, signature });
  return last.seq;
}

export type CheckpointProblem = { seq: number; problem: string };

/**
 * Each checkpoint must be signed by a published key over exactly its row's seq and hash, and
 * the row must still be there. Checkpoints signed by keys no longer published are skipped.
 */
export async function verifyCheckpoints(store: AuditStore, publicKeys: JWK[]): Promise<{ checked: number } | CheckpointProblem> {
  let checked = 0;
  const anchor = await store.anchor();
  // the anchor's row is pruned: its signed hash is what the kept chain starts from
  for (const checkpoint of [...(anchor ? [{ ...anchor, pruned: true }] : []), ...await store.checkpoints()]) {
    if (anchor && checkpoint.seq <= anchor.seq && !('pruned' in checkpoint)) continue;
    const kid = JSON.parse(Buffer.from(checkpoint.signature.split('.')[0]!, 'base64url').toString()).kid as string | undefined;
    const key = publicKeys.find((k) => k.kid === kid && k.alg === 'ES256');
    if (!key) continue;
    let claimed: { seq: number; hash: string };
    try {
      const { payload } = await compactVerify(checkpoint.signature, await importJWK({ ...key, d: undefined }, 'ES256'));
      claimed = JSON.parse(new TextDecoder().decode(payload)) as { seq: number; hash: string };
    } catch {
      return { seq: checkpoint.seq, problem: 'its signed checkpoint has a bad signature' };
    }
    const [row] = 'pruned' in checkpoint ? [checkpoint] : await store.read(checkpoint.seq, 1);
    if (claimed.seq !== checkpoint.seq || !row || row.seq !== checkpoint.seq || row.hash !== claimed.hash) {
      return { seq: checkpoint.seq, problem: 'it does not match its signed checkpoint (the chain was rewritten or cut)' };
    }
    checked++;
  }
  return { checked };
}
