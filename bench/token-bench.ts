// npm run bench: client_credentials token requests against Gatehouse (on PostgreSQL + Redis) and,
// in the same run, against a bare oidc-provider with its in-memory adapter and the same keys.
// Prints requests/s, p50 and p99 latency for both, and their ratio. Not a test: figures only.
//   BENCH_SECONDS (10), BENCH_CONNECTIONS (16); DATABASE_URL / REDIS_URL are used when set.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../src/store/free-port.ts';
import { startEmbeddedPostgres } from '../src/store/embedded-postgres.ts';
import { generateSigningKey, SIGNING_ALGS, writeKeysFile } from '../src/keys/signing-keys.ts';
import { startRedisServer } from '../test/helpers/redis-server.ts';
import { freshDatabaseUrl } from '../test/helpers/database.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const client = { id: 'bench-client', secret: 'bench-client-secret-0123456789abcdef' };
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-bench-'));
const children: ChildProcess[] = [];
const cleanup: (() => Promise<unknown> | unknown)[] = [];

async function main() {
  if (!process.env.DATABASE_URL) {
    const pg = await startEmbeddedPostgres({ dataDir: work, mode: 'serve' });
    process.env.DATABASE_URL = pg.url;
    cleanup.push(() => pg.stop());
  }
  if (!process.env.REDIS_URL) {
    const redis = await startRedisServer();
    process.env.REDIS_URL = redis.url;
    cleanup.push(() => redis.process.kill());
  }
  const keysFile = path.join(work, 'jwks.json');
  writeKeysFile(keysFile, await Promise.all(SIGNING_ALGS.map(generateSigningKey)));
  const importFile = path.join(work, 'import.json');
  fs.writeFileSync(importFile, JSON.stringify({ clients: [{
    client_id: client.id, client_secret: client.secret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [],
  }] }));

  const gatehousePort = await freePort();
  await start('src/server.ts', {
    PORT: String(gatehousePort), ISSUER: `http://127.0.0.1:${gatehousePort}`, DATABASE_URL: await freshDatabaseUrl(),
    REDIS_URL: process.env.REDIS_URL!, GATEHOUSE_KEYS_FILE: keysFile, GATEHOUSE_IMPORT: importFile,
    GATEHOUSE_DATA_DIR: work, LOG_LEVEL: 'warn',
  }, gatehousePort);
  const barePort = await freePort();
  await start('bench/bare-provider.ts', { PORT: String(barePort), KEYS_FILE: keysFile, CLIENT_ID: client.id, CLIENT_SECRET: client.secret }, barePort);

  const gatehouse = await measure(gatehousePort);
  const bare = await measure(barePort);
  const row = (name: string, r: Result) => `${name.padEnd(16)} ${r.rps.toFixed(0).padStart(8)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${String(r.errors).padStart(7)}`;
  process.stdout.write([
    `client_credentials, ${connections} connections, ${seconds} s each, Node ${process.version}, ${os.availableParallelism()} cores`,
    `${'server'.padEnd(16)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx'.padStart(7)}`,
    row('gatehouse+redis', gatehouse),
    row('bare provider', bare),
    `ratio gatehouse/bare: ${(gatehouse.rps / bare.rps).toFixed(2)} throughput, ${(gatehouse.p99 / bare.p99).toFixed(2)} p99 latency`,
    '',
  ].join('\n'));
}

async function start(entry: string, env: Record<string, string>, port: number): Promise<void> {
  const child = spawn(process.execPath, [entry], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${entry} did not start`);
}

interface Result { rps: number; p50: number; p99: number; errors: number }

async function measure(port: number): Promise<Result> {
  const options = {
    url: `http://127.0.0.1:${port}/token`,
    method: 'POST' as const,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials&scope=api',
    connections,
  };
  await autocannon({ ...options, duration: 2 }); // warm-up
  const result = await autocannon({ ...options, duration: seconds });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.non2xx + result.errors };
}

try {
  await main();
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  for (const step of cleanup) await step();
  fs.rmSync(work, { recursive: true, force: true });
}
