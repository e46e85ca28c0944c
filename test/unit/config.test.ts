import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load.ts';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env, '/srv/gatehouse');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('the configuration was accepted');
};

const production = {
  NODE_ENV: 'production', ISSUER: 'https://id.example.com', DATABASE_URL: 'postgres://db.example/gatehouse',
  COOKIE_KEYS: 'a-cookie-secret-of-at-least-32-characters', PAIRWISE_SALT: 'a-pairwise-salt-of-at-least-32-characters',
};

describe('configuration', () => {
  it('has working defaults for development', () => {
    const config = loadConfig({}, '/srv/gatehouse');
    expect(config).toMatchObject({
      production: false, issuer: 'http://localhost:3000', port: 3000, host: '127.0.0.1', trustProxy: false,
      dataDir: '/srv/gatehouse/data', keysFile: '/srv/gatehouse/data/jwks.json', defaultResource: 'http://localhost:3000/api',
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redis).toBeUndefined();
  });

  it('reports every problem at once, each naming its setting', () => {
    const problems = problemsOf({ ISSUER: 'not a url', PORT: '70000', TRUST_PROXY: 'maybe', REDIS_URL: 'http://cache' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['ISSUER', 'PORT', 'REDIS_URL', 'TRUST_PROXY']);
  });

  it('fails closed in production: no generated secrets, no embedded database, no plain HTTP', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toEqual([
      expect.stringMatching(/^COOKIE_KEYS: required in production/),
      expect.stringMatching(/^PAIRWISE_SALT: required in production/),
      expect.stringMatching(/^DATABASE_URL: required in production/),
      expect.stringMatching(/^ISSUER: must be an https:\/\/ URL in production/),
    ]);
    expect(loadConfig(production, '/srv/gatehouse')).toMatchObject({ production: true, keysFile: '/srv/gatehouse/keys/jwks.json' });
  });

  it('refuses short cookie secrets', () => {
    expect(problemsOf({ ...production, COOKIE_KEYS: 'short,a-cookie-secret-of-at-least-32-characters' }))
      .toEqual(['COOKIE_KEYS: each secret must be at least 32 characters']);
  });

  it('resolves paths against the working directory and trims the issuer', () => {
    const config = loadConfig({ GATEHOUSE_DATA_DIR: 'var/gh', GATEHOUSE_IMPORT: 'config/import.yaml', ISSUER: 'https://id.example.com/' }, '/srv');
    expect(config.dataDir).toBe(path.resolve('/srv/var/gh'));
    expect(config.importFile).toBe('/srv/config/import.yaml');
    expect(config.issuer).toBe('https://id.example.com');
  });
});
