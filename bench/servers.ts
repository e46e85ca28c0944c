import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { freePort } from '../src/store/free-port.ts';

export interface BenchServer {
  url: string;
  pid: number;
  /** Resident set size now, in MiB. */
  rss(): number;
  stop(): Promise<void>;
}

/**
 * How Gatehouse is run in production (docker/Dockerfile; package.json's start script): the
 * compiled JavaScript of `npm run build` (running the TypeScript sources keeps Node's type
 * stripper, about 20 MiB, in memory for good); a 512 MiB old generation, so that under load V8
 * collects garbage long before the default limit of several GiB (a tighter limit costs
 * throughput: at 256 MiB, 40% more CPU per token request); 8 MiB semi-spaces instead of Node
 * 24's 64 MiB (the young generation grows to its limit at startup and stays resident: 50 MiB
 * of RSS, for no measurable throughput); two malloc arenas instead of one per thread keep the
 * native memory of token signing on Node's thread pool from spreading.
 */
export const PRODUCTION_ENTRY = 'dist/server.js';
export const PRODUCTION_NODE_FLAGS = ['--max-old-space-size=512', '--max-semi-space-size=8'];
export const PRODUCTION_ENV = { MALLOC_ARENA_MAX: '2' };

/** Starts a server process and waits for its discovery document; reports how long that took. */
export async function startProcess(entry: string, env: Record<string, string>, nodeFlags: string[] = []): Promise<BenchServer & { startedInMs: number }> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [...nodeFlags, entry], {
    env: { PATH: process.env.PATH!, ISSUER: `http://127.0.0.1:${port}`, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`);
    if (await fetch(`${url}/.well-known/openid-configuration`).then((r) => r.ok, () => false)) {
      const startedInMs = performance.now() - started;
      return {
        url, pid: child.pid!, startedInMs,
        rss: () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
        stop: () => new Promise((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  child.kill('SIGKILL');
  throw new Error(`${entry} did not start`);
}

/** The highest RSS seen while `work` runs, sampled every 100 ms. */
export async function peakRss<T>(server: BenchServer, work: () => Promise<T>): Promise<{ result: T; peakMiB: number }> {
  let peak = server.rss();
  const timer = setInterval(() => (peak = Math.max(peak, server.rss())), 100);
  try {
    return { result: await work(), peakMiB: peak };
  } finally {
    clearInterval(timer);
  }
}
