// Every token endpoint auth method discovery advertises, used by a real client (OIDC Core §9).
import * as oidc from 'openid-client';
import { exportJWK, generateKeyPair } from 'jose';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover, REDIRECT_URI } from '../../helpers/relying-party.ts';
import { ALICE } from '../../helpers/seed.ts';

let gatehouse: TestGatehouse;

beforeAll(async () => {
  gatehouse = await startGatehouse();
});
afterAll(() => gatehouse.close());

/** A client_credentials client registered with this auth method and metadata. */
const register = (clientId: string, metadata: Record<string, unknown>) => gatehouse.running.core.clients.create({
  client_id: clientId, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], ...metadata,
});
const token = (rp: oidc.Configuration) => oidc.clientCredentialsGrant(rp, { scope: 'api' });

describe('client authentication', () => {
  it('advertises the methods these tests use', async () => {
    const config = await (await fetch(`${gatehouse.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    expect(config.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none']));
  });

  it('oidcc-client-secret-basic: the secret in the Authorization header', async () => {
    await register('basic', { client_secret: 'basic-secret-0123456789abcdefgh' });
    await expect(token(await discover(gatehouse.issuer, 'basic', 'basic-secret-0123456789abcdefgh'))).resolves.toBeDefined();
  });

  it('client_secret_jwt: an HMAC-signed assertion, refused when signed with another secret', async () => {
    const secret = 'jwt-secret-0123456789abcdefghijklmnopqrstuvwxyz';
    await register('hmac', { client_secret: secret, token_endpoint_auth_method: 'client_secret_jwt', token_endpoint_auth_signing_alg: 'HS256' });
    await expect(token(await discover(gatehouse.issuer, 'hmac', secret, oidc.ClientSecretJwt(secret)))).resolves.toBeDefined();
    const forged = 'another-secret-0123456789abcdefghijklmnopqrst';
    await expect(token(await discover(gatehouse.issuer, 'hmac', forged, oidc.ClientSecretJwt(forged)))).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('oidcc-private-key-jwt: an assertion signed with the key in the client\'s JWKS, refused with another key', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    await register('keyed', { token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256', jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', use: 'sig', alg: 'ES256' }] } });
    await expect(token(await discover(gatehouse.issuer, 'keyed', undefined, oidc.PrivateKeyJwt({ key: privateKey, kid: 'k1' })))).resolves.toBeDefined();
    const other = await generateKeyPair('ES256');
    await expect(token(await discover(gatehouse.issuer, 'keyed', undefined, oidc.PrivateKeyJwt({ key: other.privateKey, kid: 'k1' }))))
      .rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('none: a public client signs users in with PKCE alone, and may not use client_credentials', async () => {
    await gatehouse.running.core.accounts.create({ ...ALICE, emailVerified: true });
    await gatehouse.running.core.clients.create({
      client_id: 'spa', token_endpoint_auth_method: 'none', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code'], response_types: ['code'], first_party: true,
    });
    const rp = await discover(gatehouse.issuer, 'spa');
    const { callback, verifier, nonce, state } = await authorize(rp, ALICE, { scope: 'openid' });
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
    expect(tokens.claims()!.aud).toBe('spa');
    await expect(register('public-machine', { token_endpoint_auth_method: 'none' })).rejects.toMatchObject({ status: 400 });
  });

  it('refuses a client assertion replayed once used (RFC 7523 §3, jti)', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    await register('replay', { token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256', jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'r1' }] } });
    const { SignJWT } = await import('jose');
    const assertion = await new SignJWT({ jti: 'only-once' }).setProtectedHeader({ alg: 'ES256', kid: 'r1' })
      .setIssuer('replay').setSubject('replay').setAudience(gatehouse.issuer).setIssuedAt().setExpirationTime('1m').sign(privateKey);
    const send = () => fetch(`${gatehouse.issuer}/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'api', client_id: 'replay', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }),
    });
    expect((await send()).status).toBe(200);
    const replayed = await send();
    expect(replayed.status).toBe(401);
    expect(await replayed.json()).toMatchObject({ error: 'invalid_client' });
  });
});
