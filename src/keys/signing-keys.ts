import fs from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

/** A private signing key as kept in the keys file, with when it started and stopped signing. */
export type StoredKey = JWK & { kid: string; alg: string; use: 'sig'; created_at: number; retired_at?: number };

export const SIGNING_ALGS = ['ES256', 'RS256'] as const;

export async function generateSigningKey(alg: string): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg, use: 'sig', created_at: now() };
}

/**
 * The JWKS oidc-provider signs with and publishes: active keys first (they sign), then retired
 * keys, still published so tokens they signed verify until those expire.
 */
export function providerJwks(keys: StoredKey[]): { keys: JWK[] } {
  const ordered = [...keys].sort((a, b) => Number(a.retired_at !== undefined) - Number(b.retired_at !== undefined)
    || b.created_at - a.created_at);
  return { keys: ordered.map(({ created_at: _c, retired_at: _r, ...jwk }) => jwk) };
}

/**
 * Rotation: new keys sign from now on; the old ones are retired but stay published for
 * `retentionSeconds` (the longest lifetime of a signed token), after which they are dropped.
 */
export async function rotate(keys: StoredKey[], retentionSeconds: number): Promise<StoredKey[]> {
  const at = now();
  const kept = keys
    .map((k) => (k.retired_at === undefined ? { ...k, retired_at: at } : k))
    .filter((k) => k.retired_at! + retentionSeconds > at);
  const fresh = await Promise.all(SIGNING_ALGS.map(generateSigningKey));
  return [...fresh, ...kept];
}

export function readKeysFile(file: string): StoredKey[] | undefined {
  if (!fs.existsSync(file)) return undefined;
  return parseKeys(fs.readFileSync(file, 'utf8'), file);
}

export function parseKeys(text: string, source: string): StoredKey[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${source} is not valid JSON`);
  }
  const keys = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error(`${source} must be a JWKS: {"keys": [...]} with at least one key`);
  return keys.map((key: Record<string, unknown>, i) => {
    if (typeof key.d !== 'string') throw new Error(`${source}: keys[${i}] is not a private key`);
    if (typeof key.kid !== 'string' || typeof key.alg !== 'string') throw new Error(`${source}: keys[${i}] needs "kid" and "alg"`);
    return { use: 'sig', created_at: 0, ...key } as StoredKey;
  });
}

/** Writes atomically, readable by the owner only. */
export function writeKeysFile(file: string, keys: StoredKey[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

const now = () => Math.floor(Date.now() / 1000);
