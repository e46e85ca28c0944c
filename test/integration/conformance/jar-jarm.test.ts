// RFC 9101 signed request objects (JAR) and JWT-secured authorization responses (JARM).
import * as oidc from 'openid-client';
import { exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { Browser } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { discover, REDIRECT_URI, submitLogin } from '../../helpers/relying-party.ts';
import { ALICE } from '../../helpers/seed.ts';

let gatehouse: TestGatehouse;
let signingKey: CryptoKey;
const SECRET = 'signed-app-secret-0123456789abcdef';
const atCallback = (l: string) => l.startsWith(REDIRECT_URI);

beforeAll(async () => {
  gatehouse = await startGatehouse();
  const keys = await generateKeyPair('ES256', { extractable: true });
  signingKey = keys.privateKey;
  await gatehouse.running.core.accounts.create({ ...ALICE, emailVerified: true });
  await gatehouse.running.core.clients.create({
    client_id: 'signed-app', client_secret: SECRET, redirect_uris: [REDIRECT_URI], first_party: true,
    grant_types: ['authorization_code'], response_types: ['code'], require_signed_request_object: true, request_object_signing_alg: 'ES256',
    jwks: { keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'rp-1', use: 'sig', alg: 'ES256' }] },
  });
});
afterAll(() => gatehouse.close());

async function signIn(url: URL): Promise<URL> {
  const browser = new Browser();
  const page = await submitLogin(browser, await browser.follow(url.href, atCallback), ALICE, atCallback);
  return new URL(page.url);
}

describe('signed request objects (RFC 9101)', () => {
  it('advertises request objects and JWT response modes', async () => {
    const config = await (await fetch(`${gatehouse.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    expect(config).toMatchObject({ request_parameter_supported: true, request_object_signing_alg_values_supported: expect.arrayContaining(['ES256']) });
    expect(config.response_modes_supported).toEqual(expect.arrayContaining(['jwt', 'query.jwt']));
  });

  it('signs in from a request object signed with the client\'s key, with a JARM response', async () => {
    const rp = await discover(gatehouse.issuer, 'signed-app', SECRET);
    oidc.useJwtResponseMode(rp);
    const verifier = oidc.randomPKCECodeVerifier();
    const url = await oidc.buildAuthorizationUrlWithJAR(rp, {
      redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', response_mode: 'jwt', state: 'jar',
    }, { key: signingKey, kid: 'rp-1' });
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request']);
    const callback = await signIn(url);
    expect([...callback.searchParams.keys()]).toEqual(['response']); // the code travels inside a signed JWT
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedState: 'jar' });
    expect(tokens.claims()!.aud).toBe('signed-app');
  });

  it('refuses plain parameters from a client that must sign its requests', async () => {
    const rp = await discover(gatehouse.issuer, 'signed-app', SECRET);
    const url = oidc.buildAuthorizationUrl(rp, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' });
    const page = await new Browser().follow(url.href, atCallback);
    expect(new URL(page.url).searchParams.get('error')).toBe('invalid_request');
  });

  it('refuses a request object signed with another key', async () => {
    const rp = await discover(gatehouse.issuer, 'signed-app', SECRET);
    const other = await generateKeyPair('ES256');
    const url = await oidc.buildAuthorizationUrlWithJAR(rp, {
      redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256',
    }, { key: other.privateKey, kid: 'rp-1' });
    const page = await new Browser().follow(url.href, atCallback);
    const error = page.headers.get('location') ? new URL(page.url).searchParams.get('error') : page.body;
    expect(error).toMatch(/invalid_request_object/);
  });
});
