import * as oidc from 'openid-client';
import { freePort } from '../../../src/store/free-port.ts';
import { Browser, formAction, hiddenField } from '../../helpers/browser.ts';
import { startGatehouse, STORAGE_KINDS, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover, REDIRECT_URI } from '../../helpers/relying-party.ts';
import { ALICE, seedWebApp, WEB_APP } from '../../helpers/seed.ts';

const TOKEN = 'metrics-bearer-token-0123456789';

/** The value of one sample in Prometheus text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `)
    ? Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)) : false);
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : undefined;
}

describe.each(STORAGE_KINDS)('metrics (%s)', (storage) => {
  let gatehouse: TestGatehouse;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ storage, env: { METRICS_TOKEN: TOKEN, LOCKOUT_THRESHOLD: '2' } });
    await seedWebApp(gatehouse.running.core);
  });
  afterAll(() => gatehouse.close());

  const scrape = async () => {
    const response = await fetch(`${gatehouse.issuer}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    return response.text();
  };

  it('needs the bearer token when one is configured', async () => {
    expect((await fetch(`${gatehouse.issuer}/metrics`)).status).toBe(401);
    expect((await fetch(`${gatehouse.issuer}/metrics`, { headers: { authorization: 'Bearer wrong-token-of-some-length' } })).status).toBe(401);
  });

  it('count sign-ins by outcome, tokens by grant, refusals by limit, and time requests and storage calls', async () => {
    const rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
    const { callback, verifier, nonce, state } = await authorize(rp, ALICE);
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
    await oidc.refreshTokenGrant(rp, tokens.refresh_token!);

    const browser = new Browser();
    const url = oidc.buildAuthorizationUrl(rp, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' });
    const page = await browser.follow(url.href);
    for (let i = 0; i < 3; i++) {
      await browser.request(formAction(page.body, page.url), { form: { csrf: hiddenField(page.body, 'csrf'), email: 'mallory@example.com', password: 'guessing a passphrase' } });
    }

    const text = await scrape();
    expect(sample(text, 'gatehouse_sign_ins_total', { method: 'password', outcome: 'success' })).toBe(1);
    expect(sample(text, 'gatehouse_sign_ins_total', { outcome: 'invalid_credentials' })).toBe(2);
    expect(sample(text, 'gatehouse_sign_ins_total', { outcome: 'account_locked' })).toBe(1);
    expect(sample(text, 'gatehouse_rate_limit_refusals_total', { limit: 'lockout' })).toBe(1);
    expect(sample(text, 'gatehouse_tokens_issued_total', { grant_type: 'authorization_code' })).toBe(1);
    expect(sample(text, 'gatehouse_tokens_issued_total', { grant_type: 'refresh_token' })).toBe(1);
    expect(sample(text, 'gatehouse_http_request_duration_seconds_count', { route: '/token', status: '200' })).toBe(2);
    expect(sample(text, 'gatehouse_store_call_duration_seconds_count', { backend: storage === 'redis' ? 'redis' : 'postgres' })).toBeGreaterThan(0);
    expect(sample(text, 'gatehouse_store_call_duration_seconds_count', { backend: 'postgres', operation: 'accounts.findByEmail' })).toBeGreaterThan(0);
    expect(sample(text, 'gatehouse_postgres_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    expect(sample(text, 'gatehouse_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE gatehouse_mfa_challenges_total counter');
    expect(text).toContain('# TYPE gatehouse_saml_responses_total counter');
    expect(sample(text, 'gatehouse_nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(text).not.toMatch(/route="\/interaction\/[A-Za-z0-9_-]{20,}/); // routes are patterns, never ids
  });
});

describe('metrics on a port of their own', () => {
  it('are served there and not on the main port', async () => {
    const port = await freePort();
    const gatehouse = await startGatehouse({ env: { METRICS_PORT: String(port) } });
    try {
      expect((await fetch(`${gatehouse.issuer}/metrics`)).status).toBe(404);
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('gatehouse_http_request_duration_seconds');
    } finally {
      await gatehouse.close();
    }
  });
});
