import * as oidc from 'openid-client';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover } from '../../helpers/relying-party.ts';
import { ALICE, seedWebApp, WEB_APP } from '../../helpers/seed.ts';

describe('logs', () => {
  const lines: string[] = [];
  let gatehouse: TestGatehouse;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ logLines: lines });
    await seedWebApp(gatehouse.running.core);
    await gatehouse.running.core.clients.create({
      client_id: 'job', client_secret: 'job-secret-0123456789abcdefgh', grant_types: ['client_credentials'], response_types: [], redirect_uris: [],
    });
  });
  afterAll(() => gatehouse.close());

  it('never contain a password, secret, code, token or cookie from a full sign-in and token exchange', async () => {
    const rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
    const { callback, verifier, nonce, state, browser } = await authorize(rp, ALICE);
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
    const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
    await oidc.tokenIntrospection(rp, refreshed.access_token);
    await oidc.fetchUserInfo(rp, refreshed.access_token, tokens.claims()!.sub);
    const job = await oidc.clientCredentialsGrant(await discover(gatehouse.issuer, 'job', 'job-secret-0123456789abcdefgh'), { scope: 'api' });
    await oidc.tokenRevocation(rp, refreshed.refresh_token!);

    const secrets = {
      password: ALICE.password, clientSecret: WEB_APP.secret, code: callback.searchParams.get('code')!, verifier,
      accessToken: tokens.access_token, refreshToken: tokens.refresh_token!, idToken: tokens.id_token!,
      rotatedRefreshToken: refreshed.refresh_token!, jwtAccessToken: job.access_token,
      ...Object.fromEntries(browser.cookieValues().map((value, i) => [`cookie${i}`, value])),
    };
    const logged = lines.join('');
    expect(lines.length).toBeGreaterThan(10);
    for (const [name, secret] of Object.entries(secrets)) {
      expect({ name, found: logged.includes(secret) }).toEqual({ name, found: false });
    }
  });

  it('have one line per request with a request id, route, status and duration', async () => {
    lines.length = 0;
    const response = await fetch(`${gatehouse.issuer}/.well-known/openid-configuration?x=1`, { headers: { 'X-Request-Id': 'trace-123' } });
    expect(response.headers.get('x-request-id')).toBe('trace-123');
    const line = lines.map((l) => JSON.parse(l)).find((l) => l.reqId === 'trace-123');
    expect(line).toMatchObject({ msg: 'request', method: 'GET', route: '/.well-known/openid-configuration', status: 200 });
    expect(typeof line.durationMs).toBe('number');

    const generated = await fetch(`${gatehouse.issuer}/jwks`, { headers: { 'X-Request-Id': 'bad id with spaces' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('cover the token endpoint too, which skips the routers, with its security headers', async () => {
    lines.length = 0;
    const response = await fetch(`${gatehouse.issuer}/token`, {
      method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'api' }),
      headers: { 'X-Request-Id': 'trace-456', authorization: `Basic ${Buffer.from('job:job-secret-0123456789abcdefgh').toString('base64')}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('trace-456');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const line = lines.map((l) => JSON.parse(l)).find((l) => l.reqId === 'trace-456');
    expect(line).toMatchObject({ msg: 'request', method: 'POST', route: '/token', status: 200 });
  });
});
