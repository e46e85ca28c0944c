import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';

describe('discovery', () => {
  let gatehouse: TestGatehouse;

  beforeAll(async () => {
    gatehouse = await startGatehouse();
  });
  afterAll(() => gatehouse.close());

  const metadata = async (path: string) => {
    const response = await fetch(`${gatehouse.issuer}${path}`);
    expect(response.status).toBe(200);
    return response.json() as Promise<Record<string, unknown>>;
  };

  it('advertises exactly what Gatehouse offers', async () => {
    const config = await metadata('/.well-known/openid-configuration');
    expect(config).toMatchObject({
      issuer: gatehouse.issuer,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'],
      scopes_supported: ['openid', 'offline_access', 'profile', 'email', 'roles', 'organizations', 'admin:read', 'admin:write'],
      authorization_response_iss_parameter_supported: true,
      claims_parameter_supported: true,
      introspection_endpoint: `${gatehouse.issuer}/token/introspection`,
      revocation_endpoint: `${gatehouse.issuer}/token/revocation`,
      end_session_endpoint: `${gatehouse.issuer}/session/end`,
      userinfo_endpoint: `${gatehouse.issuer}/me`,
    });
    expect((config.id_token_signing_alg_values_supported as string[]).sort()).toEqual(['ES256', 'RS256']);
    expect(config.pushed_authorization_request_endpoint).toBe(`${gatehouse.issuer}/request`);
    expect(config.dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256']));
    expect(config).not.toHaveProperty('registration_endpoint');
  });

  it('serves the same metadata at the OAuth 2.0 well-known path (RFC 8414)', async () => {
    expect(await metadata('/.well-known/oauth-authorization-server')).toEqual(await metadata('/.well-known/openid-configuration'));
  });

  it('lets clients cache discovery and the JWKS, answering the same each time', async () => {
    for (const path of ['/.well-known/openid-configuration', '/jwks']) {
      const [first, second] = [await fetch(`${gatehouse.issuer}${path}`), await fetch(`${gatehouse.issuer}${path}`)];
      expect(second.headers.get('cache-control')).toBe('public, max-age=300');
      expect(second.headers.get('content-type')).toMatch(/^application\/(json|jwk-set\+json)/);
      expect(await second.json()).toEqual(await first.json());
    }
  });

  it('publishes public signing keys only', async () => {
    const { keys } = await metadata('/jwks') as { keys: Record<string, unknown>[] };
    expect(keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    for (const key of keys) expect(key).not.toHaveProperty('d');
  });
});
