import * as oidc from 'openid-client';
import { Browser } from '../../helpers/browser.ts';
import { startGatehouse, STORAGE_KINDS, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover, REDIRECT_URI } from '../../helpers/relying-party.ts';
import { ALICE, seedWebApp, WEB_APP } from '../../helpers/seed.ts';

describe.each(STORAGE_KINDS)('PKCE and redirect URIs (%s)', (storage) => {
  let gatehouse: TestGatehouse;
  let rp: oidc.Configuration;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ storage });
    await seedWebApp(gatehouse.running.core);
    rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
  });
  afterAll(() => gatehouse.close());

  /** The first answer of the authorization endpoint to these parameters. */
  const authorizationResponse = (params: Record<string, string>) => {
    const url = new URL(`${gatehouse.issuer}/auth`);
    const all = { client_id: WEB_APP.id, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI, ...params };
    for (const [k, v] of Object.entries(all)) url.searchParams.set(k, v);
    return new Browser().request(url.href);
  };
  const errorAtCallback = (location: string | null) => {
    expect(location).toMatch(new RegExp(`^${REDIRECT_URI}\\?`));
    return new URL(location!).searchParams;
  };

  it('rejects an authorization request without code_challenge (RFC 9700 §2.1.1)', async () => {
    const page = await authorizationResponse({});
    const params = errorAtCallback(page.headers.get('location'));
    expect(params.get('error')).toBe('invalid_request');
    expect(params.get('error_description')).toMatch(/PKCE/);
  });

  it('rejects the plain PKCE method', async () => {
    const page = await authorizationResponse({ code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' });
    const params = errorAtCallback(page.headers.get('location'));
    expect(params.get('error')).toBe('invalid_request');
    expect(params.get('error_description')).toMatch(/code_challenge_method/);
  });

  it('rejects a code redeemed with the wrong verifier', async () => {
    const { callback, nonce, state } = await authorize(rp, ALICE);
    await expect(oidc.authorizationCodeGrant(rp, callback, {
      pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedNonce: nonce, expectedState: state,
    })).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it.each([
    ['a different path', `${REDIRECT_URI}/other`],
    ['an added query', `${REDIRECT_URI}?next=1`],
    ['another port', REDIRECT_URI.replace(':9/', ':10/')],
    ['another host', 'https://attacker.example/callback'],
  ])('shows an error page and never redirects for an unregistered redirect URI: %s', async (_case, redirectUri) => {
    const page = await authorizationResponse({ redirect_uri: redirectUri, code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' });
    expect(page.status).toBe(400);
    expect(page.headers.get('location')).toBeNull();
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.body).toContain('redirect_uri did not match any of the client');
    expect(page.body).not.toContain(redirectUri.replace(/&/g, '&amp;'));
  });
});
