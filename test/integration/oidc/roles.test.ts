import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { applyImport } from '../../../src/import/apply-import.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover } from '../../helpers/relying-party.ts';
import { ALICE, seedWebApp, WEB_APP } from '../../helpers/seed.ts';

/** RBAC: roles with permissions, released with the roles scope in userinfo and JWT access tokens. */
describe('roles and permissions in tokens', () => {
  let gatehouse: TestGatehouse;
  let rp: oidc.Configuration;
  let api: string;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ env: { LOGIN_RATE_LIMIT: '1000' } });
    const { core } = gatehouse.running;
    await seedWebApp(core);
    const summary = await applyImport(core, {
      roles: [
        { name: 'admin', description: 'runs the place', permissions: ['accounts:write', 'accounts:read'] },
        { name: 'viewer', permissions: ['accounts:read', 'reports:read'] },
      ],
      users: [{ email: ALICE.email, roles: ['admin', 'viewer'] }],
    }, 'inline', { dryRun: false });
    expect(summary.roles).toEqual({ created: 2, updated: 0, unchanged: 0 });
    rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
    api = core.config.defaultResource;
  });
  afterAll(() => gatehouse.close());

  it('puts roles and the union of their permissions in userinfo with the roles scope', async () => {
    const { callback, verifier, nonce, state } = await authorize(rp, ALICE, { scope: 'openid roles' });
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
    expect(await oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub)).toMatchObject({
      roles: ['admin', 'viewer'], permissions: ['accounts:read', 'accounts:write', 'reports:read'],
    });
  });

  it('puts them in a JWT access token for a resource, and leaves them out without the scope', async () => {
    const jwks = createRemoteJWKSet(new URL(`${gatehouse.issuer}/jwks`));
    const withRoles = await authorize(rp, ALICE, { scope: 'openid roles api', extra: { resource: api } });
    const tokens = await oidc.authorizationCodeGrant(rp, withRoles.callback, { pkceCodeVerifier: withRoles.verifier, expectedNonce: withRoles.nonce, expectedState: withRoles.state }, { resource: api });
    const { payload } = await jwtVerify(tokens.access_token, jwks, { audience: api });
    expect(payload).toMatchObject({ roles: ['admin', 'viewer'], permissions: ['accounts:read', 'accounts:write', 'reports:read'] });

    const without = await authorize(rp, ALICE, { scope: 'openid api', extra: { resource: api } });
    const plain = await oidc.authorizationCodeGrant(rp, without.callback, { pkceCodeVerifier: without.verifier, expectedNonce: without.nonce, expectedState: without.state }, { resource: api });
    const { payload: bare } = await jwtVerify(plain.access_token, jwks, { audience: api });
    expect(bare).not.toHaveProperty('roles');
    expect(bare).not.toHaveProperty('permissions');
  });

  it('re-importing the same roles changes nothing; changed permissions update in place', async () => {
    const { core } = gatehouse.running;
    const again = await applyImport(core, { roles: [{ name: 'admin', description: 'runs the place', permissions: ['accounts:read', 'accounts:write'] }] }, 'inline', { dryRun: false });
    expect(again.roles).toEqual({ created: 0, updated: 0, unchanged: 1 });
    const changed = await applyImport(core, { roles: [{ name: 'viewer', permissions: ['reports:read'] }] }, 'inline', { dryRun: false });
    expect(changed.roles).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect(await core.store.roles.permissionsOf(['viewer'])).toEqual(['reports:read']);
  });
});
