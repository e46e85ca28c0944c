import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import { freePort } from '../../../src/store/free-port.ts';
import { gatehouseCli } from '../../helpers/cli.ts';
import { killServerProcesses, startServerProcess, type ServerProcess } from '../../helpers/server-process.ts';
import { authorize, discover, REDIRECT_URI } from '../../helpers/relying-party.ts';

// The out-of-the-box experience: no DATABASE_URL, no REDIS_URL, just a data directory.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-embedded-'));
fs.chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as the postgres user and must reach it
const user = { email: 'first@example.com', password: 'first user passphrase' };
const app = { id: 'first-app', secret: 'first-app-secret-0123456789' };
let env: Record<string, string>;

async function signIn(): Promise<void> {
  const rp = await discover(env.ISSUER!, app.id, app.secret);
  const { callback, verifier, nonce, state } = await authorize(rp, user, { scope: 'openid email' });
  const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
  const { sub } = tokens.claims()!;
  expect(await oidc.fetchUserInfo(rp, tokens.access_token, sub)).toMatchObject({ email: user.email });
}

/** Waits for a condition, polling, up to a bound; says what it waited for when it gives up. */
async function waitFor(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (const until = Date.now() + ms; !check(); await new Promise((resolve) => setTimeout(resolve, 50))) {
    if (Date.now() > until) throw new Error(`gave up after ${ms} ms waiting for ${what}`);
  }
}

/** Processes whose command line names the data directory: the postmaster (`postgres -D DIR/…`). */
const processesInDataDir = () => fs.readdirSync('/proc').filter((pid) => /^\d+$/.test(pid)).filter((pid) => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir);
  } catch {
    return false; // gone meanwhile
  }
}).map(Number);

/** Whether a process runs; a zombie (exited, not yet reaped) does not. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The postmaster PostgreSQL recorded for the cluster, by its postmaster.pid. */
const postmasterPid = () => Number(fs.readFileSync(path.join(dataDir, 'postgres', 'cluster', 'postmaster.pid'), 'utf8').split('\n')[0]);

/** Starts the server on the data directory; discovery must answer within 30 s (usually ~2 s). */
async function start(): Promise<ServerProcess> {
  const started = Date.now();
  const server = await startServerProcess(env);
  expect(Date.now() - started).toBeLessThan(30_000);
  await waitFor(() => server.stderr().includes('Next: create a user'), 'the start banner');
  return server;
}

beforeAll(async () => {
  const port = await freePort();
  env = { PATH: process.env.PATH!, GATEHOUSE_DATA_DIR: dataDir, PORT: String(port), ISSUER: `http://127.0.0.1:${port}`, LOG_LEVEL: 'warn' };
});

// Whatever happened: no server, no PostgreSQL left running on the data directory.
afterAll(async () => {
  killServerProcesses();
  for (const pid of processesInDataDir()) process.kill(pid, 'SIGQUIT'); // immediate shutdown, backends included
  try {
    await waitFor(() => processesInDataDir().length === 0, 'the embedded PostgreSQL to stop');
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

describe('the embedded default', () => {
  it('serves, takes a user and a client from the CLI, survives a kill -9 and shuts down cleanly', async () => {
    let server = await start();
    expect(server.stderr()).toContain(`Gatehouse is running at ${env.ISSUER}`);
    expect(server.stderr()).toContain(`embedded PostgreSQL in ${path.join(dataDir, 'postgres')}`);
    const postmaster = postmasterPid();
    expect(processesInDataDir()).toEqual([postmaster]);

    // The CLI shares the PostgreSQL the running server owns: it starts none of its own.
    const created = await gatehouseCli(['user', 'create', '--email', user.email, '--password', user.password], env);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const client = await gatehouseCli(['client', 'create', '--id', app.id, '--secret', app.secret, '--redirect-uri', REDIRECT_URI], env);
    expect(client).toMatchObject({ code: 0, stdout: `created client ${app.id}\n` });
    expect(processesInDataDir()).toEqual([postmaster]);
    await signIn();

    // kill -9 leaves PostgreSQL orphaned; the next start must stop it and carry on.
    server.child.kill('SIGKILL');
    await server.exited;
    expect(running(postmaster)).toBe(true);
    server = await start();
    expect(running(postmaster)).toBe(false);
    expect(processesInDataDir()).toEqual([postmasterPid()]);
    expect(postmasterPid()).not.toBe(postmaster);
    await signIn();

    // SIGTERM: a clean exit that takes PostgreSQL with it.
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(processesInDataDir()).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'cluster', 'postmaster.pid'))).toBe(false);
  }, 120_000);
});
