import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import { freePort } from '../../../src/store/free-port.ts';
import { Browser, formAction, hiddenField } from '../../helpers/browser.ts';
import { gatehouseCli } from '../../helpers/cli.ts';
import { freshDatabaseUrl } from '../../helpers/database.ts';
import { discover, REDIRECT_URI } from '../../helpers/relying-party.ts';
import { killServerProcesses, startServerProcess } from '../../helpers/server-process.ts';

afterAll(() => killServerProcesses());

describe('graceful shutdown', () => {
  it('on SIGTERM, finishes the requests in flight, accepts no more and exits 0', async () => {
    const port = await freePort();
    const env = {
      DATABASE_URL: await freshDatabaseUrl(), REDIS_URL: process.env.REDIS_URL!, REDIS_KEY_PREFIX: `shutdown:${crypto.randomBytes(4).toString('hex')}:`,
      ISSUER: `http://127.0.0.1:${port}`, PORT: String(port), GATEHOUSE_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-shutdown-')),
      LOG_LEVEL: 'info', LOGIN_RATE_LIMIT: '1000', LOCKOUT_THRESHOLD: '1000',
    };
    await gatehouseCli(['client', 'create', '--id', 'app', '--secret', 'app-secret-0123456789abcdef', '--redirect-uri', REDIRECT_URI], env);
    const server = await startServerProcess(env);

    const rp = await discover(env.ISSUER, 'app', 'app-secret-0123456789abcdef');
    const browser = new Browser();
    const page = await browser.follow(oidc.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256',
    }).href);
    // Sign-ins wait their turn for a password hash slot, so these stay in flight for a while.
    const form = { csrf: hiddenField(page.body, 'csrf'), email: 'someone@example.com', password: 'a wrong passphrase' };
    const inFlight = Array.from({ length: 12 }, () => browser.request(formAction(page.body, page.url), { form }).then((r) => r.status, (e: Error) => e.message));
    await Promise.race(inFlight);
    server.child.kill('SIGTERM');

    expect(await Promise.all(inFlight)).toEqual(Array(12).fill(401));
    expect(await server.exited).toBe(0);
    expect(server.stderr()).not.toMatch(/error/i);
    await expect(fetch(`${env.ISSUER}/health/live`)).rejects.toThrow();
  });
});
