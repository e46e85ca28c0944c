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
  return [developmentSecret(config, 'cookie-key')];
}

/** The salt of pairwise subject identifiers: PAIRWISE_SALT, else (outside production) generated once. */
export function loadPairwiseSalt(config: Config): string {
  if (config.pairwiseSalt) return config.pairwiseSalt;
  if (config.production) throw new Error('PAIRWISE_SALT is required in production');
  return developmentSecret(config, 'pairwise-salt');
}

/** A random secret kept in the data directory, made the first time it is asked for. */
function developmentSecret(config: Config, name: string): string {
  const file = path.join(config.dataDir, `${name}.txt`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}
