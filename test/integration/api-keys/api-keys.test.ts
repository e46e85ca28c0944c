import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { generateApiKey, hashApiKeySecret } from '../../../src/api-keys/api-key.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { createLogger } from '../../../src/log.ts';
import { startServer, type Running } from '../../../src/server.ts';
import { freePort } from '../../../src/store/free-port.ts';
import { gatehouseCli } from '../../helpers/cli.ts';
import { eventually } from '../../helpers/eventually.ts';
import { startGatehouse, STORAGE_KINDS, type TestGatehouse } from '../../helpers/gatehouse.ts';

const REPORTS = 'https://reports.example.com';

describe.each(STORAGE_KINDS)('API keys (%s)', (storage) => {
  const logLines: string[] = [];
  let gatehouse: TestGatehouse;
  let second: Running;
  let env: Record<string, string>;

  beforeAll(async () => {
    gatehouse = await startGatehouse({
      storage, logLines, env: { RESOURCE_SERVERS: JSON.stringify([{ identifier: REPORTS, scopes: 'reports:read reports:write', format: 'jwt' }]) },
    });
    const { config } = gatehouse.running.core;
    env = {
      DATABASE_URL: config.databaseUrl!, GATEHOUSE_DATA_DIR: config.dataDir, ISSUER: config.issuer, NODE_ENV: 'test', LOG_LEVEL: 'silent',
      RESOURCE_SERVERS: JSON.stringify([{ identifier: REPORTS, scopes: 'reports:read reports:write', format: 'jwt' }]),
      ...(config.redis?.mode === 'single' ? { REDIS_URL: config.redis.url, REDIS_KEY_PREFIX: config.redisKeyPrefix } : {}),
    };
    // a second node on the same database (and Redis), as behind a load balancer
    const port = await freePort();
    second = await startServer(loadConfig({ ...env, PORT: String(port), HOST: '127.0.0.1' }), createLogger('silent'));
    await gatehouse.running.core.accounts.create({ email: 'owner@example.com', emailVerified: true });
  }, 60_000);
  afterAll(async () => {
    await second?.close();
    await gatehouse?.close();
  });

  /** A client_credentials token request with the key, HTTP Basic, to the first node or the second. */
  async function token(clientId: string, secret: string, parameters: Record<string, string> = {}, node?: Running) {
    const rp = await oidc.discovery(new URL(gatehouse.issuer), clientId, undefined, oidc.ClientSecretBasic(secret), { execute: [oidc.allowInsecureRequests] });
    if (node) rp[oidc.customFetch] = (url, options) => fetch(new URL(new URL(url).pathname, node.url), options as RequestInit);
    return oidc.clientCredentialsGrant(rp, parameters);
  }
  /** 'granted', or the OAuth error code (a 401 answer carries it in its body, RFC 6749 §5.2). */
  const refusal = (attempt: Promise<unknown>) => attempt.then(() => 'granted', async (error: { error?: string; response?: Response }) =>
    error.error ?? ((await error.response?.json().catch(() => undefined)) as { error?: string } | undefined)?.error ?? String(error));

  it('is created at the CLI, shown once, and gets a JWT access token through client_credentials', async () => {
    const created = await gatehouseCli(['apikey', 'create', '--name', 'nightly export', '--scope', 'api', '--expires-in', '30', '--owner', 'owner@example.com'], env);
    expect(created.code).toBe(0);
    const key = /^key: (\S+)$/m.exec(created.stdout)![1]!;
    const id = key.split('.')[0]!;
    expect(id).toMatch(/^gk_[a-z0-9]{12}$/);

    const tokens = await token(id, key, { scope: 'api' });
    const { config } = gatehouse.running.core;
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${gatehouse.issuer}/jwks`)), { issuer: gatehouse.issuer, audience: config.defaultResource });
    const owner = await gatehouse.running.core.accounts.findByEmail('owner@example.com');
    expect(payload).toMatchObject({ client_id: id, sub: id, scope: 'api', api_key_owner: owner!.id });

    const listed = await gatehouseCli(['apikey', 'list'], env);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).not.toContain(key.split('.')[1]);
    expect(listed.stdout).toMatch(/last used \d{4}-/); // recorded by the grant
  });

  it('refuses a wrong secret, the stored hash, an expired and a revoked key: invalid_client', async () => {
    const { core } = gatehouse.running;
    const { key, apiKey } = await core.apiKeys.create({ name: 'ci', scopes: ['api'] }, 'cli:test');
    expect(await refusal(token(apiKey.id, `${key}x`))).toBe('invalid_client');
    expect(await refusal(token(apiKey.id, hashApiKeySecret(key)))).toBe('invalid_client');
    // posting the secret in the body is not how an API key authenticates (RFC 6749 §2.3.1)
    const post = await oidc.discovery(new URL(gatehouse.issuer), apiKey.id, key, oidc.ClientSecretPost(key), { execute: [oidc.allowInsecureRequests] });
    expect(await refusal(oidc.clientCredentialsGrant(post, {}))).toBe('invalid_client');
    expect(await refusal(token(apiKey.id, key))).toBe('granted');

    const expired = generateApiKey();
    await core.store.apiKeys.create({
      id: expired.id, name: 'old', secretHash: hashApiKeySecret(expired.secret), owner: null, scopes: ['api'], resource: null,
      expiresAt: new Date(Date.now() - 1000), createdBy: 'cli:test',
    });
    expect(await refusal(token(expired.id, expired.secret))).toBe('invalid_client');

    await core.apiKeys.revoke(apiKey.id, 'cli:test');
    expect(await refusal(token(apiKey.id, key))).toBe('invalid_client');
  });

  it('is revoked on every node at once: the other node refuses it without a restart', async () => {
    const { core } = gatehouse.running;
    const { key, apiKey } = await core.apiKeys.create({ name: 'shared', scopes: ['api'] }, 'cli:test');
    expect(await refusal(token(apiKey.id, key, {}, second))).toBe('granted'); // the second node has it cached now
    const revoked = await gatehouseCli(['apikey', 'revoke', apiKey.id], env);
    expect(revoked.code).toBe(0);
    expect(await eventually(async () => (await refusal(token(apiKey.id, key, {}, second))) === 'invalid_client')).toBe(true);
    expect((await gatehouseCli(['apikey', 'revoke', apiKey.id], env)).stderr).toContain('revoked already');
  });

  it('is bound to its resource and scopes', async () => {
    const { core } = gatehouse.running;
    const { key, apiKey } = await core.apiKeys.create({ name: 'reports', scopes: ['reports:read'], resource: REPORTS }, 'cli:test');
    const tokens = await token(apiKey.id, key, { scope: 'reports:read' });
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${gatehouse.issuer}/jwks`)), { audience: REPORTS });
    expect(payload.scope).toBe('reports:read');
    expect(payload).not.toHaveProperty('api_key_owner');
    expect((await token(apiKey.id, key, { scope: 'reports:read reports:write' })).scope).toBe('reports:read'); // its scopes only
    expect(await refusal(token(apiKey.id, key, { resource: core.config.defaultResource }))).toBe('invalid_target');
    await expect(core.apiKeys.create({ name: 'x', scopes: ['api'], resource: 'https://nowhere.example' }, 'cli:test')).rejects.toThrow('resource: https://nowhere.example is not a resource server');
    await expect(core.apiKeys.create({ name: 'x', scopes: [] }, 'cli:test')).rejects.toThrow('scopes must name at least one scope');
    await expect(core.apiKeys.create({ name: 'x', scopes: ['reports:read'] }, 'cli:test')).rejects.toThrow('scopes: reports:read not accepted by the default resource (it accepts api)');
  });

  it('records every change in the audit log, and the key appears in no log', async () => {
    const { core } = gatehouse.running;
    const { key, apiKey } = await core.apiKeys.create({ name: 'audited', scopes: ['api'] }, 'cli:test');
    await token(apiKey.id, key);
    await refusal(token(apiKey.id, `${key}-wrong`));
    await core.apiKeys.revoke(apiKey.id, 'cli:test');
    const rows = await core.store.audit.read(0, 10_000);
    const mine = rows.filter((r) => (r.detail as { target?: { id?: string } }).target?.id === apiKey.id);
    expect(mine.map((r) => [r.action, r.actor])).toEqual([['admin.api_key.create', 'cli:test'], ['admin.api_key.revoke', 'cli:test']]);
    const secretPart = key.split('.')[1]!;
    const everything = JSON.stringify(rows) + logLines.join('\n');
    expect(logLines.length).toBeGreaterThan(0);
    expect(everything).not.toContain(secretPart);
    expect(everything).not.toContain(hashApiKeySecret(key));
  });

  it('reserves its client_id shape: no ordinary client can take one', async () => {
    await expect(gatehouse.running.core.clients.create({ client_id: 'gk_abcdefghijkl', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }))
      .rejects.toThrow('reserved for API keys');
  });
});
