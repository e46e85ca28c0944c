// RFC 9126 pushed authorization requests, the normal path and the refusals.
import { Redis } from 'ioredis';
import * as oidc from 'openid-client';
import { Browser } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { discover, REDIRECT_URI, submitLogin } from '../../helpers/relying-party.ts';
import { ALICE } from '../../helpers/seed.ts';

const atCallback = (l: string) => l.startsWith(REDIRECT_URI);

/** Gatehouse with Alice and two first-party clients, one of which must push its requests. */
async function gatehouseWithClients(env: Record<string, string> = {}): Promise<TestGatehouse> {
  const gatehouse = await startGatehouse({ env });
  const { core } = gatehouse.running;
  await core.accounts.create({ ...ALICE, emailVerified: true });
  for (const [id, requirePar] of [['pushes', true], ['plain', false]] as const) {
    await core.clients.create({
      client_id: id, client_secret: `${id}-secret-0123456789abcdef`, redirect_uris: [REDIRECT_URI], first_party: true,
      grant_types: ['authorization_code'], response_types: ['code'], require_pushed_authorization_requests: requirePar,
    });
  }
  return gatehouse;
}

async function pushed(rp: oidc.Configuration, params: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const url = await oidc.buildAuthorizationUrlWithPAR(rp, {
    redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...params,
  });
  return { url, verifier };
}

describe('pushed authorization requests (RFC 9126)', () => {
  let gatehouse: TestGatehouse;
  beforeAll(async () => {
    gatehouse = await gatehouseWithClients();
  });
  afterAll(() => gatehouse.close());
  const rpFor = (id: string) => discover(gatehouse.issuer, id, `${id}-secret-0123456789abcdef`);

  it('signs in through a pushed request, whose request_uri is single use', async () => {
    const rp = await rpFor('pushes');
    expect(rp.serverMetadata().pushed_authorization_request_endpoint).toBe(`${gatehouse.issuer}/request`);
    const { url, verifier } = await pushed(rp);
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    const browser = new Browser();
    const done = await submitLogin(browser, await browser.follow(url.href, atCallback), ALICE, atCallback);
    await expect(oidc.authorizationCodeGrant(rp, new URL(done.url), { pkceCodeVerifier: verifier })).resolves.toBeDefined();
    const reused = await new Browser().request(url.href);
    expect(reused.status).toBe(400);
    expect(reused.body).toContain('invalid_request_uri');
  });

  it('refuses a plain authorization request from a client that must push', async () => {
    const rp = await rpFor('pushes');
    const url = oidc.buildAuthorizationUrl(rp, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' });
    const page = await new Browser().follow(url.href, atCallback);
    expect(new URL(page.url).searchParams.get('error')).toBe('invalid_request');
    expect(new URL(page.url).searchParams.get('error_description')).toMatch(/pushed authorization request/i);
  });

  it('lets other clients choose', async () => {
    const rp = await rpFor('plain');
    const url = oidc.buildAuthorizationUrl(rp, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' });
    expect((await new Browser().follow(url.href, atCallback)).body).toContain('name="password"');
  });

  it('refuses an unregistered redirect URI at the push, and an expired request_uri later', async () => {
    const rp = await rpFor('pushes');
    await expect(pushed(rp, { redirect_uri: 'https://attacker.example/cb' }))
      .rejects.toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/redirect_uri/) });
    const { url } = await pushed(rp);
    // Let the stored request run out of time (it lives 60 s) rather than wait for it.
    const id = url.searchParams.get('request_uri')!.split(':').pop()!;
    const { config } = gatehouse.running.core;
    const redis = new Redis((config.redis as { url: string }).url);
    expect(await redis.pexpire(`${config.redisKeyPrefix}PushedAuthorizationRequest:${id}`, 1)).toBe(1);
    redis.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const page = await new Browser().follow(url.href, atCallback);
    expect(page.status).toBe(400);
    expect(page.body).toContain('invalid_request_uri');
  });
});

describe('REQUIRE_PAR=true', () => {
  it('refuses every plain authorization request', async () => {
    const gatehouse = await gatehouseWithClients({ REQUIRE_PAR: 'true' });
    try {
      const rp = await discover(gatehouse.issuer, 'plain', 'plain-secret-0123456789abcdef');
      expect(rp.serverMetadata().require_pushed_authorization_requests).toBe(true);
      const url = oidc.buildAuthorizationUrl(rp, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' });
      const page = await new Browser().follow(url.href, atCallback);
      expect(new URL(page.url).searchParams.get('error')).toBe('invalid_request');
      const { url: pushedUrl } = await pushed(rp);
      expect((await new Browser().follow(pushedUrl.href, atCallback)).body).toContain('name="password"');
    } finally {
      await gatehouse.close();
    }
  });
});
