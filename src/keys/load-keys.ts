import fs from 'node:fs';
import crypto from 'node:crypto';
import path from 'node:path';
import type { Config } from '../config/config.ts';
import { generateSigningKey, parseKeys, readKeysFile, SIGNING_ALGS, writeKeysFile, type StoredKey } from './signing-keys.ts';

/** Signing keys: GATEHOUSE_JWKS, else the keys file; generated once outside production. */
export async function loadSigningKeys(config: Config): Promise<StoredKey[]> {
  if (config.inlineJwks) return parseKeys(config.inlineJwks, 'GATEHOUSE_JWKS');
  const stored = readKeysFile(config.keysFile);
  if (stored) return stored;
  if (config.production) {
    throw new Error(`no signing keys at ${config.keysFile}; create them with "gatehouse keys rotate" or set GATEHOUSE_JWKS`);
  }
  const keys = await Promise.all(SIGNING_ALGS.map(generateSigningKey));
  writeKeysFile(config.keysFile, keys);
  return keys;
}

/** Cookie signing secrets: COOKIE_KEYS, else (outside production) generated once in the data directory. */
export function loadCookieKeys(config: Config): string[] {
  if (config.cookieKeys?.length) return config.cookieKeys;
  if (config.production) throw new Error('COOKIE_KEYS is required in production');
  const file = path.join(config.dataDir, 'cookie-keys.json');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify([crypto.randomBytes(32).toString('base64url')]), { mode: 0o600 });
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as string[];
}
