import * as oidc from 'openid-client';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { startGatehouse, STORAGE_KINDS, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover } from '../../helpers/relying-party.ts';
import { ALICE, seedWebApp, WEB_APP } from '../../helpers/seed.ts';

const MACHINE = { id: 'reporting-job', secret: 'reporting-job-secret-0123456789' };

describe.each(STORAGE_KINDS)('access tokens (%s)', (storage) => {
  let gatehouse: TestGatehouse;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ storage });
    await seedWebApp(gatehouse.running.core);
    await gatehouse.running.core.clients.create({
      client_id: MACHINE.id, client_secret: MACHINE.secret, grant_types: ['client_credentials'], response_types: [],
      redirect_uris: [],
    });
  });
  afterAll(() => gatehouse.close());

  it('issues an RFC 9068 JWT for client_credentials, for the default resource', async () => {
    const rp = await discover(gatehouse.issuer, MACHINE.id, MACHINE.secret);
    const { access_token, token_type, expires_in } = await oidc.clientCredentialsGrant(rp, { scope: 'api' });
    expect(token_type.toLowerCase()).toBe('bearer');
    expect(expires_in).toBeGreaterThan(0);

    const header = decodeProtectedHeader(access_token);
    expect(header.typ).toBe('at+jwt');
    const jwks = createRemoteJWKSet(new URL(`${gatehouse.issuer}/jwks`));
    const { payload } = await jwtVerify(access_token, jwks, {
      issuer: gatehouse.issuer, audience: `${gatehouse.issuer}/api`, typ: 'at+jwt',
    });
    expect(payload).toMatchObject({ client_id: MACHINE.id, scope: 'api' });
    expect(typeof payload.jti).toBe('string');
  });

  it('refuses client_credentials with a wrong secret and for an unknown resource', async () => {
    const wrong = await discover(gatehouse.issuer, MACHINE.id, 'not-the-secret-at-all-0123456789');
    await expect(oidc.clientCredentialsGrant(wrong, { scope: 'api' })).rejects.toMatchObject({ error: 'invalid_client' });
    const rp = await discover(gatehouse.issuer, MACHINE.id, MACHINE.secret);
    await expect(oidc.clientCredentialsGrant(rp, { scope: 'api', resource: 'https://elsewhere.example/' }))
      .rejects.toMatchObject({ error: 'invalid_target' });
  });

  it('introspects an opaque access token as active, and inactive once revoked (RFC 7662, RFC 7009)', async () => {
    const rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
    const { callback, verifier, nonce, state } = await authorize(rp, ALICE, { scope: 'openid email' });
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
    expect(tokens.access_token.split('.')).toHaveLength(1); // opaque: no resource was asked for

    const active = await oidc.tokenIntrospection(rp, tokens.access_token);
    expect(active).toMatchObject({ active: true, client_id: WEB_APP.id, sub: tokens.claims()!.sub, token_type: 'Bearer' });

    const otherClient = await discover(gatehouse.issuer, MACHINE.id, MACHINE.secret);
    expect(await oidc.tokenIntrospection(otherClient, tokens.access_token)).toEqual({ active: false });

    await oidc.tokenRevocation(rp, tokens.access_token);
    expect(await oidc.tokenIntrospection(rp, tokens.access_token)).toEqual({ active: false });
    await expect(oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub)).rejects.toBeDefined();
  });
});
