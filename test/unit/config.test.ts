import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load.ts';

const CWD = '/srv/gatehouse';

/** The problems loadConfig reports for `env`; fails the test if the configuration is accepted. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, CWD);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('the configuration was accepted');
}

/** The settings each problem names (what comes before its colon), sorted. */
const settingsNamed = (problems: string[]) => problems.map((p) => p.split(':')[0]).sort();

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const PRODUCTION = {
  NODE_ENV: 'production', ISSUER: 'https://id.example.com', DATABASE_URL: 'postgres://db.example/gatehouse',
  COOKIE_KEYS: SECRET, PAIRWISE_SALT: SECRET, SMTP_URL: 'smtp://mail.example:587',
};

describe('configuration', () => {
  it('has working defaults for development', () => {
    const config = loadConfig({}, CWD);
    expect(config).toMatchObject({
      production: false, issuer: 'http://localhost:3000', port: 3000, host: '127.0.0.1', trustProxy: false,
      dataDir: '/srv/gatehouse/data', defaultResource: 'http://localhost:3000/api',
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redis).toBeUndefined();
    expect(config.cookieKeys).toBeUndefined();
  });

  it('treats empty settings as unset', () => {
    expect(loadConfig({ PORT: '', ISSUER: '' }, CWD)).toMatchObject({ port: 3000, issuer: 'http://localhost:3000' });
  });

  it('reports every problem at once, each naming its setting', () => {
    const problems = problemsOf({ ISSUER: 'not a url', PORT: '70000', TRUST_PROXY: 'maybe', REDIS_URL: 'http://cache' });
    expect(settingsNamed(problems)).toEqual(['ISSUER', 'PORT', 'REDIS_URL', 'TRUST_PROXY']);
  });

  it('fails closed in production: no generated secrets, no embedded database, no plain HTTP', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/^COOKIE_KEYS: required in production/),
      expect.stringMatching(/^PAIRWISE_SALT: required in production/),
      expect.stringMatching(/^DATABASE_URL: required in production/),
      expect.stringMatching(/^SMTP_URL: required in production/),
      expect.stringMatching(/^ISSUER: must be an https:\/\/ URL in production/),
    ]);
    expect(settingsNamed(problemsOf({ ...PRODUCTION, ISSUER: 'http://id.example.com' }))).toEqual(['ISSUER']);
    expect(loadConfig(PRODUCTION, CWD)).toMatchObject({ production: true, cookieKeys: [SECRET] });
  });

  it.each([
    ['in production', PRODUCTION],
    ['in development', {}],
  ])('refuses cookie secrets shorter than 32 characters %s', (_when, env) => {
    expect(problemsOf({ ...env, COOKIE_KEYS: `${SECRET}, ${'k'.repeat(31)}` })).toEqual(['COOKIE_KEYS: each secret must be at least 32 characters']);
    expect(loadConfig({ ...env, COOKIE_KEYS: `${SECRET}, ${'k'.repeat(32)}` }, CWD).cookieKeys).toEqual([SECRET, 'k'.repeat(32)]);
  });

  it('takes one Redis setting only', () => {
    expect(problemsOf({ REDIS_URL: 'redis://cache:6379', REDIS_CLUSTER_NODES: 'a:7000,b:7001' }))
      .toEqual(['REDIS_URL, REDIS_CLUSTER_NODES: give one of them, not several']);
  });

  it.each([
    ['production', PRODUCTION, '/srv/gatehouse/keys/jwks.json'],
    ['development', {}, '/srv/gatehouse/data/jwks.json'],
    ['development with a data directory', { GATEHOUSE_DATA_DIR: '/var/lib/gh' }, '/var/lib/gh/jwks.json'],
    ['an explicit keys file', { ...PRODUCTION, GATEHOUSE_KEYS_FILE: 'secrets/jwks.json' }, '/srv/gatehouse/secrets/jwks.json'],
  ])('keeps the signing keys file where %s expects it', (_when, env, keysFile) => {
    expect(loadConfig(env, CWD).keysFile).toBe(keysFile);
  });

  it('resolves paths against the working directory and trims the issuer', () => {
    const config = loadConfig({ GATEHOUSE_DATA_DIR: 'var/gh', GATEHOUSE_IMPORT: 'config/import.yaml', ISSUER: 'https://id.example.com/' }, '/srv');
    expect(config.dataDir).toBe(path.resolve('/srv/var/gh'));
    expect(config.importFile).toBe('/srv/config/import.yaml');
    expect(config.issuer).toBe('https://id.example.com');
  });
});
