import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config/load.ts';
import { generateSigningKey } from '../../../src/keys/signing-keys.ts';
import { createLogger } from '../../../src/log.ts';
import { startServer } from '../../../src/server.ts';
import { freshDatabaseUrl } from '../../helpers/database.ts';

describe('NODE_ENV=production', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-prod-'));
    env = {
      NODE_ENV: 'production', ISSUER: 'https://id.example.com', PORT: '0', DATABASE_URL: await freshDatabaseUrl(),
      COOKIE_KEYS: 'a-cookie-secret-of-at-least-32-characters', PAIRWISE_SALT: 'a-pairwise-salt-of-at-least-32-characters',
      SMTP_URL: 'smtp://127.0.0.1:2525',
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_KEYS_FILE: path.join(dataDir, 'missing', 'jwks.json'),
    };
  });

  it('refuses to start without signing keys, and generates none', async () => {
    await expect(startServer(loadConfig(env), createLogger('silent'))).rejects.toThrow(/no signing keys at .*jwks\.json/);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('starts with keys from GATEHOUSE_JWKS and publishes only their public parts', async () => {
    const key = await generateSigningKey('ES256');
    const running = await startServer(loadConfig({ ...env, GATEHOUSE_JWKS: JSON.stringify({ keys: [key] }) }), createLogger('silent'));
    try {
      const jwks = await (await fetch(`${running.url}/jwks`)).json() as { keys: Record<string, unknown>[] };
      expect(jwks.keys).toHaveLength(1);
      expect(jwks.keys[0]).toMatchObject({ kid: key.kid, alg: 'ES256', use: 'sig' });
      expect(jwks.keys[0]).not.toHaveProperty('d');
      // no SAML certificate supplied: the SAML IdP is off, and none is generated
      expect((await fetch(`${running.url}/saml/metadata`)).status).toBe(404);
      expect(fs.readdirSync(dataDir)).toEqual([]);
    } finally {
      await running.close();
    }
  });
});
