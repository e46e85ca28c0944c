import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import { freePort } from '../../../src/store/free-port.ts';
import { gatehouseCli } from '../../helpers/cli.ts';
import { authorize, discover, REDIRECT_URI } from '../../helpers/relying-party.ts';

// The out-of-the-box experience: no DATABASE_URL, no REDIS_URL, just a data directory.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-embedded-'));
fs.chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as the postgres user and must reach it
const user = { email: 'first@example.com', password: 'first user passphrase' };
const children = new Set<ChildProcess>();
let env: Record<string, string>;
let stderr = '';

interface Server { child: ChildProcess; exited: Promise<number | null> }

async function startServer(): Promise<Server> {
  const child = spawn(process.execPath, ['src/server.ts'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the server exited: ${stderr}`);
    const ok = await fetch(`${env.ISSUER}/.well-known/openid-configuration`).then((r) => r.ok, () => false);
    if (ok) return { child, exited };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`discovery did not answer within 30 s: ${stderr}`);
}

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
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const pid of postgresProcesses()) process.kill(Number(pid), 'SIGQUIT');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the embedded default', () => {
  it('serves, takes a user and a client from the CLI, survives a kill -9 and shuts down cleanly', async () => {
    const startedAt = Date.now();
    let server = await startServer();
    expect(Date.now() - startedAt).toBeLessThan(30_000);
    expect(stderr).toContain(`Gatehouse is running at ${env.ISSUER}`);
    expect(stderr).toContain(`embedded PostgreSQL in ${dataDir}`);

    // The CLI shares the PostgreSQL the running server owns.
    expect((await gatehouseCli(['user', 'create', '--email', user.email, '--password', user.password], env)).code).toBe(0);
    const client = await gatehouseCli(['client', 'create', '--id', 'first-app', '--secret', 'first-app-secret-0123456789', '--redirect-uri', REDIRECT_URI], env);
    expect(client).toMatchObject({ code: 0, stdout: 'created client first-app\n' });
    await signIn();

    // kill -9 leaves PostgreSQL orphaned; the next start must stop it and carry on.
    server.child.kill('SIGKILL');
    await server.exited;
    expect(postgresProcesses().length).toBeGreaterThan(0);
    server = await startServer();
    await signIn();

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(postgresProcesses()).toEqual([]);
  }, 90_000);
});
