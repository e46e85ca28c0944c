import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import { startEmbeddedPostgres } from '../../../src/store/embedded-postgres.ts';
import { freePort } from '../../../src/store/free-port.ts';
import { Browser, formAction, hiddenField } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { startRedisServer } from '../../helpers/redis-server.ts';
import { authorize, discover, REDIRECT_URI } from '../../helpers/relying-party.ts';
import { ALICE, seedWebApp, WEB_APP } from '../../helpers/seed.ts';

const tempDir = (name: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gatehouse-${name}-`));
  fs.chmodSync(dir, 0o755); // as root, PostgreSQL runs as the postgres user
  return dir;
};

async function until(check: () => Promise<boolean>, seconds = 15): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const ready = async (gatehouse: TestGatehouse) => (await fetch(`${gatehouse.issuer}/health/ready`)).status === 200;

/** A token request while a dependency is down: refused at once with 503, never a 500 or a hang. */
async function expectUnavailable(request: Promise<unknown>): Promise<void> {
  const started = Date.now();
  const error = await request.then(() => undefined, (e: unknown) => e) as { cause?: Response };
  expect(Date.now() - started).toBeLessThan(5000);
  const response = error.cause!; // openid-client hands back the response it did not expect
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('5');
  expect(await response.json()).toMatchObject({ error: 'temporarily_unavailable', error_description: expect.stringMatching(/cannot be reached/) });
}

/** Signs Alice in and returns what a client holds: tokens it was given. */
async function signIn(gatehouse: TestGatehouse) {
  const rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
  const { callback, verifier, nonce, state } = await authorize(rp, ALICE);
  const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
  return { rp, tokens };
}

describe('a Redis outage', () => {
  it('fails fast with 503 while Redis is down, and loses nothing acknowledged once it is back', async () => {
    const dir = tempDir('redis');
    const redis = await startRedisServer({ persistIn: dir });
    const gatehouse = await startGatehouse({ env: { REDIS_URL: redis.url } });
    try {
      await seedWebApp(gatehouse.running.core);
      const { rp, tokens } = await signIn(gatehouse);

      redis.process.kill('SIGKILL');
      await new Promise((resolve) => redis.process.once('exit', resolve));

      await expectUnavailable(oidc.refreshTokenGrant(rp, tokens.refresh_token!));
      await expectUnavailable(oidc.tokenIntrospection(rp, tokens.access_token));
      const page = await new Browser().request(oidc.buildAuthorizationUrl(rp, {
        redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256',
      }).href);
      expect(page.status).not.toBe(500);
      expect(page.headers.get('location') ?? page.body).toContain('temporarily_unavailable');
      expect((await fetch(`${gatehouse.issuer}/health/ready`)).status).toBe(503);

      const back = await startRedisServer({ port: Number(new URL(redis.url).port), persistIn: dir });
      try {
        await until(() => ready(gatehouse));
        expect(await oidc.tokenIntrospection(rp, tokens.access_token)).toMatchObject({ active: true });
        await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!)).resolves.toMatchObject({ token_type: 'bearer' });
      } finally {
        back.process.kill();
      }
    } finally {
      await gatehouse.close();
    }
  });
});

describe('a PostgreSQL outage', () => {
  it('fails fast with 503 while PostgreSQL is down, and loses nothing acknowledged once it is back', async () => {
    const dir = tempDir('postgres');
    const port = await freePort();
    let postgres = await startEmbeddedPostgres({ dataDir: dir, mode: 'serve', port });
    const gatehouse = await startGatehouse({ storage: 'postgres', env: { DATABASE_URL: postgres.url } });
    try {
      await seedWebApp(gatehouse.running.core);
      const { rp, tokens } = await signIn(gatehouse);
      const browser = new Browser();
      const login = await browser.follow(oidc.buildAuthorizationUrl(rp, {
        redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256',
      }).href);

      await postgres.stop();

      const posted = await browser.request(formAction(login.body, login.url), {
        form: { csrf: hiddenField(login.body, 'csrf'), email: ALICE.email, password: ALICE.password },
      });
      expect(posted.status).toBe(503);
      expect(posted.headers.get('retry-after')).toBe('5');
      expect(posted.body).toContain('PostgreSQL cannot be reached right now.');

      await expectUnavailable(oidc.refreshTokenGrant(rp, tokens.refresh_token!));
      const userinfo = await fetch(`${gatehouse.issuer}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(userinfo.status).toBe(503);
      expect(userinfo.headers.get('www-authenticate')).toContain('error="temporarily_unavailable"');
      const readiness = await (await fetch(`${gatehouse.issuer}/health/ready`)).json();
      expect(readiness).toMatchObject({ status: 'unavailable', checks: { postgres: expect.stringMatching(/failing|timeout/), keys: 'ok' } });

      postgres = await startEmbeddedPostgres({ dataDir: dir, mode: 'serve', port });
      await until(() => ready(gatehouse));
      await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!)).resolves.toMatchObject({ token_type: 'bearer' });
    } finally {
      await gatehouse.close();
      await postgres.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
