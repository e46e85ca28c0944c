import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import { freePort } from '../../../src/store/free-port.ts';
import { gatehouseCli } from '../../helpers/cli.ts';
import { killServerProcesses, startServerProcess } from '../../helpers/server-process.ts';
import { authorize, discover, REDIRECT_URI } from '../../helpers/relying-party.ts';

// The out-of-the-box experience: no DATABASE_URL, no REDIS_URL, just a data directory.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-embedded-'));
fs.chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as the postgres user and must reach it
const user = { email: 'first@example.com', password: 'first user passphrase' };
let env: Record<string, string>;

async function signIn(): Promise<void> {
  const rp = await discover(env.ISSUER!, 'first-app', 'first-app-secret-0123456789');
  const { callback, verifier, nonce, state } = await authorize(rp, user, { scope: 'openid email' });
  const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
  const { sub } = tokens.claims()!;
  expect(await oidc.fetchUserInfo(rp, tokens.access_token, sub)).toMatchObject({ email: user.email });
}

const postgresProcesses = () => fs.readdirSync('/proc').filter((pid) => /^\d+$/.test(pid)).filter((pid) => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir);
  } catch {
    return false;
  }
});

beforeAll(async () => {
  const port = await freePort();
  env = { PATH: process.env.PATH!, GATEHOUSE_DATA_DIR: dataDir, PORT: String(port), ISSUER: `http://127.0.0.1:${port}`, LOG_LEVEL: 'warn' };
});

afterAll(async () => {
  killServerProcesses();
  for (const pid of postgresProcesses()) process.kill(Number(pid), 'SIGQUIT');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the embedded default', () => {
  it('serves, takes a user and a client from the CLI, survives a kill -9 and shuts down cleanly', async () => {
    let server = await startServerProcess(env); // fails unless discovery answers within 30 s
    expect(server.stderr()).toContain(`Gatehouse is running at ${env.ISSUER}`);
    expect(server.stderr()).toContain(`embedded PostgreSQL in ${dataDir}`);

    // The CLI shares the PostgreSQL the running server owns.
    expect((await gatehouseCli(['user', 'create', '--email', user.email, '--password', user.password], env)).code).toBe(0);
    const client = await gatehouseCli(['client', 'create', '--id', 'first-app', '--secret', 'first-app-secret-0123456789', '--redirect-uri', REDIRECT_URI], env);
    expect(client).toMatchObject({ code: 0, stdout: 'created client first-app\n' });
    await signIn();

    // kill -9 leaves PostgreSQL orphaned; the next start must stop it and carry on.
    server.child.kill('SIGKILL');
    await server.exited;
    expect(postgresProcesses().length).toBeGreaterThan(0);
    server = await startServerProcess(env);
    await signIn();

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(postgresProcesses()).toEqual([]);
  }, 90_000);
});
