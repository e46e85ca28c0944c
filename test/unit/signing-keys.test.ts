import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import { generateSigningKey, parseKeys, providerJwks, readKeysFile, rotate, writeKeysFile, type StoredKey } from '../../src/keys/signing-keys.ts';

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A new key made `createdAgo` seconds ago and, when given, retired `retiredAgo` seconds ago. */
async function keyAged(alg: string, createdAgo: number, retiredAgo?: number): Promise<StoredKey> {
  const key = await generateSigningKey(alg);
  const now = nowSeconds();
  return { ...key, created_at: now - createdAgo, ...(retiredAgo === undefined ? {} : { retired_at: now - retiredAgo }) };
}

const jwks = (...keys: object[]) => JSON.stringify({ keys });

describe('signing keys', () => {
  it.each([['ES256', 'EC'], ['RS256', 'RSA']])('generates a private %s JWK with kid, alg and use', async (alg, kty) => {
    const key = await generateSigningKey(alg);
    expect(key).toMatchObject({ kty, alg, use: 'sig', d: expect.any(String) });
    expect(key.kid).toBe(await calculateJwkThumbprint(key));
    expect(key.created_at).toBeGreaterThanOrEqual(nowSeconds() - 5);
  });

  it('hands oidc-provider the active keys first, newest first, without bookkeeping fields', async () => {
    const retired = await keyAged('RS256', 100, 10);
    const older = await keyAged('ES256', 50);
    const newer = await keyAged('RS256', 5);
    const { keys } = providerJwks([retired, older, newer]);
    expect(keys.map((k) => k.kid)).toEqual([newer.kid, older.kid, retired.kid]);
    for (const key of keys) {
      expect(key).not.toHaveProperty('created_at');
      expect(key).not.toHaveProperty('retired_at');
      expect(key).toHaveProperty('d');
    }
  });

  it('rotates: two new active keys first, current ones retired, long-retired ones dropped', async () => {
    const current = await keyAged('ES256', 1000);
    const recent = await keyAged('RS256', 5000, 100);
    const expired = await keyAged('RS256', 9000, 4000);
    const before = nowSeconds();
    const next = await rotate([current, recent, expired], 3600);

    expect(next.slice(0, 2).map((k) => [k.alg, k.retired_at])).toEqual([['ES256', undefined], ['RS256', undefined]]);
    expect(next.slice(0, 2).map((k) => k.kid)).not.toContain(current.kid);
    expect(next.slice(2).map((k) => k.kid)).toEqual([current.kid, recent.kid]);
    expect(next[2]!.retired_at).toBeGreaterThanOrEqual(before);
    expect(next[3]!.retired_at).toBe(recent.retired_at);
  });

  describe('rejects key material that cannot sign, naming where it came from', () => {
    it.each([
      ['not JSON', async () => '{', 'GATEHOUSE_JWKS is not valid JSON'],
      ['an empty set', async () => jwks(), 'GATEHOUSE_JWKS must be a JWKS'],
      ['a public key', async () => {
        const { d: _d, ...publicOnly } = await generateSigningKey('ES256');
        return jwks(publicOnly);
      }, 'GATEHOUSE_JWKS: keys[0] is not a private key'],
      ['a key without kid', async () => {
        const { kid: _kid, ...noKid } = await generateSigningKey('ES256');
        return jwks(await generateSigningKey('RS256'), noKid);
      }, 'GATEHOUSE_JWKS: keys[1] needs "kid" and "alg"'],
    ])('%s', async (_what, text, message) => {
      const source = await text();
      expect(() => parseKeys(source, 'GATEHOUSE_JWKS')).toThrow(message);
    });
  });

  it('writes the keys file atomically, readable by its owner only, and reads it back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-keys-'));
    const file = path.join(dir, 'nested', 'jwks.json');
    try {
      expect(readKeysFile(file)).toBeUndefined();
      const keys = [await generateSigningKey('ES256'), await keyAged('RS256', 100, 10)];
      writeKeysFile(file, keys);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(readKeysFile(file)).toEqual(keys);
      expect(fs.readdirSync(path.dirname(file))).toEqual(['jwks.json']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
