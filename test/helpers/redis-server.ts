import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { freePort } from '../../src/store/free-port.ts';

/** A throwaway redis-server on 127.0.0.1, installed with apt-get on Debian as root when missing. */
export async function startRedisServer(options: { port?: number; persistIn?: string } = {}): Promise<{ url: string; process: ChildProcess }> {
  ensureInstalled();
  const port = options.port ?? (await freePort());
  // With persistIn, every write is on disk before it is acknowledged (AOF, fsync always).
  const persistence = options.persistIn ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', options.persistIn] : ['--appendonly', 'no'];
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 200; i++) {
    if (await answersPing(port)) return { url: `redis://127.0.0.1:${port}`, process: child };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  child.kill('SIGKILL');
  throw new Error('redis-server did not start');
}

function ensureInstalled(): void {
  if (spawnSync('which', ['redis-server']).status === 0) return;
  if (process.getuid?.() === 0 && fs.existsSync('/etc/debian_version')) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    const install = spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (install.status === 0) return;
  }
  throw new Error('the tests need redis-server on PATH (Debian: apt-get install redis-server) or REDIS_URL set');
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('error', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
  });
}

export interface RedisTopology {
  /** Settings that point Gatehouse at it. */
  env: Record<string, string>;
  stop(): void;
}

/** Three redis-server masters joined into a Cluster with redis-cli. */
export async function startRedisCluster(dir: string): Promise<RedisTopology & { nodes: { host: string; port: number }[] }> {
  ensureInstalled();
  const ports = [await freePort(), await freePort(), await freePort()];
  const children = ports.map((port) => spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
    '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000',
  ], { stdio: 'ignore' }));
  const stop = () => children.forEach((child) => child.kill('SIGKILL'));
  try {
    for (const port of ports) await waitFor(() => answersPing(port));
    const created = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    for (const port of ports) {
      await waitFor(async () => spawnSync('redis-cli', ['-p', String(port), 'cluster', 'info'], { encoding: 'utf8' }).stdout.includes('cluster_state:ok'));
    }
  } catch (error) {
    stop();
    throw error;
  }
  return {
    nodes: ports.map((port) => ({ host: '127.0.0.1', port })),
    env: { REDIS_CLUSTER_NODES: ports.map((p) => `127.0.0.1:${p}`).join(',') },
    stop,
  };
}

/** A redis-server master watched by one Sentinel. */
export async function startRedisSentinel(dir: string): Promise<RedisTopology> {
  const master = await startRedisServer();
  const port = await freePort();
  const conf = path.join(dir, 'sentinel.conf');
  fs.writeFileSync(conf, [
    `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`,
    `sentinel monitor gatehouse-master 127.0.0.1 ${new URL(master.url).port} 1`, 'sentinel down-after-milliseconds gatehouse-master 5000', '',
  ].join('\n'));
  const sentinel = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
  const stop = () => {
    sentinel.kill('SIGKILL');
    master.process.kill('SIGKILL');
  };
  try {
    await waitFor(async () => /^127\.0\.0\.1$/m.test(spawnSync('redis-cli', ['-p', String(port), 'sentinel', 'get-master-addr-by-name', 'gatehouse-master'], { encoding: 'utf8' }).stdout));
  } catch (error) {
    stop();
    throw error;
  }
  return { env: { REDIS_SENTINELS: `127.0.0.1:${port}`, REDIS_SENTINEL_MASTER: 'gatehouse-master' }, stop };
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('redis did not become ready');
}
