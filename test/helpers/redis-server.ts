import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
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
