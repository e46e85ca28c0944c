import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { applyImport, ImportError } from '../../../src/import/apply-import.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover } from '../../helpers/relying-party.ts';
import { ALICE, seedWebApp, WEB_APP } from '../../helpers/seed.ts';

const REPORTS = 'https://reports.example.com';
const BILLING = 'https://billing.example.com';

/** RBAC: permissions global or for one audience (a resource or a client), released per token. */
describe('permissions per resource and per client', () => {
  let gatehouse: TestGatehouse;
  let rp: oidc.Configuration;

  beforeAll(async () => {
    gatehouse = await startGatehouse({
      env: {
        LOGIN_RATE_LIMIT: '1000',
        RESOURCE_SERVERS: JSON.stringify([{ identifier: REPORTS, scopes: 'reports', format: 'jwt' }, { identifier: BILLING, scopes: 'billing', format: 'jwt' }]),
      },
    });
    const { core } = gatehouse.running;
    await seedWebApp(core);
    await applyImport(core, {
      roles: [
        { name: 'analyst', permissions: ['read:dashboards', { permission: 'export:reports', audience: REPORTS }, { permission: 'open:app', audience: WEB_APP.id }] },
        { name: 'payer', permissions: [{ permission: 'pay:invoices', audience: BILLING }] },
      ],
      users: [{ email: ALICE.email, roles: ['analyst', 'payer'] }],
    }, 'inline', { dryRun: false });
    rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
  });
  afterAll(() => gatehouse.close());

  const tokensFor = async (scope: string, resource?: string) => {
    const extra = resource ? { resource } : undefined;
    const { callback, verifier, nonce, state } = await authorize(rp, ALICE, { scope, extra });
    return oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state }, extra);
  };

  it('gives each resource\'s JWT access token the global permissions and that resource\'s own', async () => {
    const jwks = createRemoteJWKSet(new URL(`${gatehouse.issuer}/jwks`));
    const reports = await jwtVerify((await tokensFor('openid roles reports', REPORTS)).access_token, jwks, { audience: REPORTS });
    expect(reports.payload).toMatchObject({ roles: ['analyst', 'payer'], permissions: ['export:reports', 'read:dashboards'] });
    const billing = await jwtVerify((await tokensFor('openid roles billing', BILLING)).access_token, jwks, { audience: BILLING });
    expect(billing.payload).toMatchObject({ roles: ['analyst', 'payer'], permissions: ['pay:invoices', 'read:dashboards'] });
  });

  it('puts roles and the client\'s permissions in the ID token and userinfo with the roles scope, and nothing without it', async () => {
    const tokens = await tokensFor('openid roles');
    const expected = { roles: ['analyst', 'payer'], permissions: ['open:app', 'read:dashboards'] };
    expect(tokens.claims()).toMatchObject(expected);
    expect(await oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub)).toMatchObject(expected);

    const plain = await tokensFor('openid email');
    expect(plain.claims()).not.toHaveProperty('roles');
    const userinfo = await oidc.fetchUserInfo(rp, plain.access_token, plain.claims()!.sub);
    expect(userinfo).not.toHaveProperty('roles');
    expect(userinfo).not.toHaveProperty('permissions');
  });

  it('refuses malformed permissions in the import file, naming the entry', async () => {
    const attempt = applyImport(gatehouse.running.core, {
      roles: [{ name: 'bad', permissions: ['read reports', { permission: 'x', audience: 'two words' }, { audience: REPORTS }] }],
    }, 'inline', { dryRun: false });
    await expect(attempt).rejects.toBeInstanceOf(ImportError);
    const { problems } = (await attempt.catch((error: unknown) => error)) as ImportError;
    expect(problems).toEqual([
      'roles[0].permissions[0]: must be one word (no spaces), like read:reports',
      'roles[0].permissions[1].audience: must be a resource server identifier or a client_id (no spaces)',
      expect.stringMatching(/^roles\[0\]\.permissions\[2\]/),
    ]);
  });
});
