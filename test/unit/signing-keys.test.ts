import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateSigningKey, parseKeys, providerJwks, readKeysFile, rotate, writeKeysFile, type StoredKey } from '../../src/keys/signing-keys.ts';

const aged = (key: StoredKey, createdAgo: number, retiredAgo?: number): StoredKey => {
  const now = Math.floor(Date.now() / 1000);
  return { ...key, created_at: now - createdAgo, ...(retiredAgo === undefined ? {} : { retired_at: now - retiredAgo }) };
};

describe('signing keys', () => {
  it('generates private keys with kid, alg and use', async () => {
    for (const alg of ['ES256', 'RS256']) {
      const key = await generateSigningKey(alg);
      expect(key).toMatchObject({ alg, use: 'sig' });
      expect(typeof key.kid).toBe('string');
      expect(typeof key.d).toBe('string');
    }
  });

  it('hands oidc-provider the active keys first, without bookkeeping fields', async () => {
    const retired = aged(await generateSigningKey('RS256'), 100, 10);
    const active = aged(await generateSigningKey('RS256'), 5);
    const { keys } = providerJwks([retired, active]);
    expect(keys.map((k) => k.kid)).toEqual([active.kid, retired.kid]);
    expect(keys[0]).not.toHaveProperty('created_at');
    expect(keys[1]).not.toHaveProperty('retired_at');
  });

  it('rotates: two new active keys first, old ones retired, long-retired ones dropped', async () => {
    const current = aged(await generateSigningKey('ES256'), 1000);
    const recent = aged(await generateSigningKey('RS256'), 5000, 100);
    const expired = aged(await generateSigningKey('RS256'), 9000, 4000);
    const next = await rotate([current, recent, expired], 3600);
    expect(next.slice(0, 2).map((k) => [k.alg, k.retired_at])).toEqual([['ES256', undefined], ['RS256', undefined]]);
    expect(next.slice(2).map((k) => k.kid)).toEqual([current.kid, recent.kid]);
    expect(next[2]!.retired_at).toBeGreaterThan(0);
  });

  it('rejects key material that cannot sign, naming where it came from', async () => {
    const { d: _d, ...publicOnly } = await generateSigningKey('ES256');
    expect(() => parseKeys('{', 'GATEHOUSE_JWKS')).toThrow('GATEHOUSE_JWKS is not valid JSON');
    expect(() => parseKeys('{"keys":[]}', 'keys.json')).toThrow(/keys.json must be a JWKS/);
    expect(() => parseKeys(JSON.stringify({ keys: [publicOnly] }), 'keys.json')).toThrow('keys.json: keys[0] is not a private key');
    const { kid: _kid, ...noKid } = await generateSigningKey('ES256');
    expect(() => parseKeys(JSON.stringify({ keys: [noKid] }), 'keys.json')).toThrow('keys.json: keys[0] needs "kid" and "alg"');
  });

  it('writes the keys file atomically, readable by its owner only', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-keys-')), 'nested', 'jwks.json');
    const keys = [await generateSigningKey('ES256')];
    writeKeysFile(file, keys);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readKeysFile(file)).toEqual(keys);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['jwks.json']);
  });
});
