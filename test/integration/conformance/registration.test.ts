// Mirrors oidcc-dynamic: RFC 7591 registration with an initial access token, RFC 7592 management.
import * as oidc from 'openid-client';
import { gatehouseCli } from '../../helpers/cli.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { discover } from '../../helpers/relying-party.ts';

const register = (issuer: string, token: string | undefined, metadata: Record<string, unknown>) => fetch(`${issuer}/reg`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(metadata),
});
const machine = { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], client_name: 'Registered Job' };

describe('dynamic registration off (the default)', () => {
  it('offers no registration endpoint', async () => {
    const gatehouse = await startGatehouse();
    try {
      const config = await (await fetch(`${gatehouse.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
      expect(config).not.toHaveProperty('registration_endpoint');
      expect((await register(gatehouse.issuer, 'anything', machine)).status).toBe(404);
    } finally {
      await gatehouse.close();
    }
  });
});

describe('oidcc-dynamic: registration with an initial access token', () => {
  let gatehouse: TestGatehouse;
  let iat: string;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ env: { REGISTRATION: 'initial-access-token' } });
    const { config } = gatehouse.running.core;
    const cli = await gatehouseCli(['registration', 'token', '--ttl', '600'], {
      DATABASE_URL: config.databaseUrl!, REDIS_URL: (config.redis as { url: string }).url, REDIS_KEY_PREFIX: config.redisKeyPrefix,
      GATEHOUSE_DATA_DIR: config.dataDir, REGISTRATION: 'initial-access-token',
    });
    expect(cli.code).toBe(0);
    iat = cli.stdout.split('\n')[0]!;
  });
  afterAll(() => gatehouse.close());

  it('advertises the registration endpoint', async () => {
    const config = await (await fetch(`${gatehouse.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    expect(config.registration_endpoint).toBe(`${gatehouse.issuer}/reg`);
  });

  it('registers a working client, which reads, updates and deletes itself (RFC 7592)', async () => {
    const created = await register(gatehouse.issuer, iat, machine);
    expect(created.status).toBe(201);
    const client = await created.json() as Record<string, string>;
    expect(client).toMatchObject({ client_name: 'Registered Job', client_id: expect.any(String), client_secret: expect.any(String), registration_access_token: expect.any(String) });
    expect(client.registration_client_uri).toBe(`${gatehouse.issuer}/reg/${client.client_id}`);

    const rp = await discover(gatehouse.issuer, client.client_id!, client.client_secret);
    await expect(oidc.clientCredentialsGrant(rp, { scope: 'api' })).resolves.toBeDefined();

    const auth = { authorization: `Bearer ${client.registration_access_token}` };
    const read = await fetch(client.registration_client_uri!, { headers: auth });
    expect(await read.json()).toMatchObject({ client_id: client.client_id, client_name: 'Registered Job' });

    const updated = await fetch(client.registration_client_uri!, {
      method: 'PUT', headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ ...machine, client_id: client.client_id, client_secret: client.client_secret, client_name: 'Renamed Job' }),
    });
    expect(updated.status).toBe(200);
    const after = await updated.json() as Record<string, string>;
    expect(after.client_name).toBe('Renamed Job');
    expect(after.registration_access_token).not.toBe(client.registration_access_token); // rotated

    const deleted = await fetch(client.registration_client_uri!, { method: 'DELETE', headers: { authorization: `Bearer ${after.registration_access_token}` } });
    expect(deleted.status).toBe(204);
    await expect(oidc.clientCredentialsGrant(rp, { scope: 'api' })).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('refuses registration without a valid initial access token', async () => {
    expect((await register(gatehouse.issuer, undefined, machine)).status).toBe(401);
    const forged = await register(gatehouse.issuer, 'not-a-real-initial-access-token', machine);
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: 'invalid_token' });
  });

  it.each([
    ['the implicit grant (RFC 9700 §2.1.2)', { grant_types: ['implicit'], response_types: ['token'], redirect_uris: ['https://app.example/cb'] }, /RFC 9700 §2\.1\.2/],
    ['a wildcard redirect URI (RFC 9700 §4.1.3)', { redirect_uris: ['https://*.example/cb'] }, /wildcards/],
    ['first_party, self-asserted', { ...machine, first_party: true }, /first_party cannot be set/],
  ])('refuses %s with invalid_client_metadata', async (_name, metadata, message) => {
    const response = await register(gatehouse.issuer, iat, metadata);
    expect(response.status).toBe(400);
    const body = await response.json() as Record<string, string>;
    expect(body.error).toMatch(/^invalid_(client_metadata|redirect_uri)$/);
    expect(body.error_description).toMatch(message);
  });
});
