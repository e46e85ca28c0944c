// npm run bench: Gatehouse against a bare oidc-provider (in-memory adapter, the same keys and
// token format) and against the argon2 ceiling, on this machine, in one run. Prints a table,
// writes bench/results/latest.json and latest.svg. A script that prints figures, not a test.
//   BENCH_SECONDS (10 per measurement), BENCH_CONNECTIONS (50), BENCH_SOAK_SECONDS (0: no soak; at least 180);
//   DATABASE_URL and REDIS_URL are used when set, else an embedded PostgreSQL and a redis-server.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../src/store/embedded-postgres.ts';
import { generateSigningKey, SIGNING_ALGS, writeKeysFile } from '../src/keys/signing-keys.ts';
import { freshDatabaseUrl } from '../test/helpers/database.ts';
import { startRedisServer } from '../test/helpers/redis-server.ts';
import { REDIRECT_URI } from '../test/helpers/relying-party.ts';
import { measure, tokenRequest, type Throughput } from './load.ts';
import { table, writeResults, type Row } from './report.ts';
import { peakRss, PRODUCTION_ENTRY, PRODUCTION_ENV, PRODUCTION_NODE_FLAGS, startProcess, type BenchServer } from './servers.ts';
import { argon2Ceiling, signIns, signInStorm } from './sign-in.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const soakSeconds = Number(process.env.BENCH_SOAK_SECONDS ?? 0);
const cores = os.availableParallelism();
const machine = { id: 'bench-client', secret: 'bench-client-secret-0123456789abcdef' };
const web = { id: 'bench-web', secret: 'bench-web-secret-0123456789abcdef' };
const user = { email: 'bench@example.com', password: 'a benchmark passphrase' };
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-bench-'));
fs.chmodSync(work, 0o755); // as root, the embedded PostgreSQL runs as the postgres user
const cleanup: (() => Promise<unknown> | unknown)[] = [];

async function main(): Promise<void> {
  if (soakSeconds > 0 && soakSeconds < 180) throw new Error('BENCH_SOAK_SECONDS: at least 180 (a minute of warm-up, then the first and the last minute compared)');
  if (!process.env.DATABASE_URL) {
    const pg = await startEmbeddedPostgres({ dataDir: path.join(work, 'infra'), mode: 'serve' });
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
  fs.writeFileSync(importFile, JSON.stringify({
    clients: [
      { client_id: machine.id, client_secret: machine.secret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [] },
      { client_id: web.id, client_secret: web.secret, redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code'], first_party: true },
    ],
    users: [user],
  }));

  const gatehouse = await startProcess(PRODUCTION_ENTRY, {
    DATABASE_URL: await freshDatabaseUrl(), REDIS_URL: process.env.REDIS_URL!, GATEHOUSE_KEYS_FILE: keysFile,
    // a Redis of the caller's may hold an earlier run's counters (the storm's lockout): keys of this run's own
    REDIS_KEY_PREFIX: `bench:${crypto.randomBytes(4).toString('hex')}:`,
    GATEHOUSE_IMPORT: importFile, GATEHOUSE_DATA_DIR: work, LOG_LEVEL: 'warn', ACCESS_TOKEN_SIGNING_ALG: 'ES256',
    LOGIN_RATE_LIMIT: '100000', LOCKOUT_THRESHOLD: '1000', ...PRODUCTION_ENV,
  }, PRODUCTION_NODE_FLAGS);
  cleanup.push(() => gatehouse.stop());
  const bare = await startProcess('bench/bare-provider.ts', {
    KEYS_FILE: keysFile, CLIENT_ID: machine.id, CLIENT_SECRET: machine.secret,
    WEB_CLIENT_ID: web.id, WEB_CLIENT_SECRET: web.secret, REDIRECT_URI, USER_EMAIL: user.email, USER_PASSWORD: user.password,
  });
  cleanup.push(() => bare.stop());
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const idleRss = gatehouse.rss();

  const pair = async (target: (server: BenchServer) => Parameters<typeof measure>[0]) => ({
    gatehouse: await measure(target(gatehouse), seconds, connections),
    bare: await measure(target(bare), seconds, connections),
  });
  const loaded = await peakRss(gatehouse, () => pair((s) => tokenRequest(s.url, machine.id, machine.secret)));
  const tokens = loaded.result;
  const discovery = await pair((s) => ({ url: `${s.url}/.well-known/openid-configuration` }));
  const jwks = await pair((s) => ({ url: `${s.url}/jwks` }));
  const ceiling = await argon2Ceiling(Math.min(seconds, 5));
  const signIn = await signIns(gatehouse.url, web, user, seconds, cores * 2);
  const bareSignIn = await signIns(bare.url, web, user, seconds, cores * 2);
  const [duringStorm, storm] = await Promise.all([
    measure(tokenRequest(gatehouse.url, machine.id, machine.secret), seconds, connections),
    signInStorm(gatehouse.url, seconds + 2, 64),
  ]);
  const soak = soakSeconds >= 180 ? await runSoak(gatehouse, tokens.gatehouse.rps) : undefined;
  const coldStart = await measureColdStart();

  const rps = (t: Throughput) => `${t.rps.toFixed(0)}/s p99 ${t.p99} ms`;
  const rows: Row[] = [
    { name: 'client_credentials (JWT ES256)', gatehouse: rps(tokens.gatehouse), reference: `bare ${rps(tokens.bare)}`, ratio: tokens.gatehouse.rps / tokens.bare.rps, target: '≥ 0.9, p99 < 25' },
    { name: 'discovery', gatehouse: rps(discovery.gatehouse), reference: `bare ${rps(discovery.bare)}`, ratio: discovery.gatehouse.rps / discovery.bare.rps, target: '≥ 1.0' },
    { name: 'JWKS', gatehouse: rps(jwks.gatehouse), reference: `bare ${rps(jwks.bare)}`, ratio: jwks.gatehouse.rps / jwks.bare.rps, target: '≥ 1.0' },
    { name: 'sign-ins (code+PKCE, argon2id) per core', gatehouse: `${(signIn.perSecond / cores).toFixed(1)}/s`, reference: `argon2 ${(ceiling / cores).toFixed(1)}/s`, ratio: signIn.perSecond / ceiling, target: '≥ 0.8' },
    { name: 'the same, bare oidc-provider + argon2id', gatehouse: `${(bareSignIn.perSecond / cores).toFixed(1)}/s`, reference: `argon2 ${(ceiling / cores).toFixed(1)}/s`, ratio: bareSignIn.perSecond / ceiling, target: '' },
    { name: 'tokens during a sign-in storm', gatehouse: rps(duringStorm), reference: `normal ${tokens.gatehouse.rps.toFixed(0)}/s`, ratio: duringStorm.rps / tokens.gatehouse.rps, target: '≥ 0.6' },
    { name: 'storm sign-ins refused with 429', gatehouse: `${storm.refused} of ${storm.attempts}`, reference: '', target: '> 0' },
    { name: 'cold start, embedded default', gatehouse: `${coldStart.toFixed(0)} ms`, reference: '', target: '< 3000 ms' },
    { name: 'RSS idle / under load', gatehouse: `${idleRss.toFixed(0)} / ${loaded.peakMiB.toFixed(0)} MiB`, reference: '', target: '< 150 / 256' },
    ...(soak ? [
      { name: `RSS, ${soakSeconds} s soak at half load`, gatehouse: `${soak.rss.first.toFixed(0)} → ${soak.rss.last.toFixed(0)} MiB, peak ${soak.rss.peak.toFixed(0)}`, reference: '2nd vs last minute', target: 'no growth' },
      { name: 'the same, live old generation', gatehouse: `${soak.oldGeneration.first.toFixed(1)} → ${soak.oldGeneration.last.toFixed(1)} MiB`, reference: '2nd vs last minute', target: 'no growth' },
    ] : []),
  ];
  const header = `Gatehouse benchmark: Node ${process.version}, ${cores} cores, ${os.cpus()[0]?.model ?? 'cpu'}, ${seconds} s per measure, ${connections} connections`;
  const files = writeResults(path.resolve('bench/results'), {
    when: new Date().toISOString(), node: process.version, cores, seconds, connections,
    tokens, discovery, jwks, argon2PerSecond: ceiling, signInsPerSecond: signIn.perSecond, signInFailures: signIn.refused, bareSignInsPerSecond: bareSignIn.perSecond, bareSignInFailures: bareSignIn.refused,
    tokensDuringStorm: duringStorm, storm, coldStartMs: coldStart, rssMiB: { idle: idleRss, loaded: loaded.peakMiB }, soak,
  }, rows);
  process.stdout.write(`${header}\n\n${table(rows)}\n\nwritten: ${files.json}, ${files.svg}\n`);
}

/**
 * Half load for soakSeconds: client_credentials at half the rate measured before and one sign-in
 * at a time (about half the sign-in rate). RSS is read every 10 s and the old generation's live
 * size (the lowest reading in each minute of 2-second readings, i.e. just after a collection)
 * from the server's metrics; the second minute is compared with the last, the first being
 * warm-up. The JSON keeps every sample.
 */
async function runSoak(server: BenchServer, tokensPerSecond: number) {
  const rss: number[] = [];
  const oldGeneration: number[] = [];
  const timers = [
    setInterval(() => rss.push(server.rss()), 10_000),
    setInterval(() => void oldGenerationMiB(server.url).then((mib) => mib !== undefined && oldGeneration.push(mib)), 2_000),
  ];
  await Promise.all([
    measure(tokenRequest(server.url, machine.id, machine.secret), soakSeconds, Math.max(1, Math.floor(connections / 2)), tokensPerSecond / 2),
    signIns(server.url, web, user, soakSeconds, 1),
  ]);
  timers.forEach(clearInterval);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    rss: { first: mean(rss.slice(6, 12)), last: mean(rss.slice(-6)), peak: Math.max(...rss), samples: rss },
    oldGeneration: { first: Math.min(...oldGeneration.slice(30, 60)), last: Math.min(...oldGeneration.slice(-30)), samples: oldGeneration },
  };
}

/** The old generation's bytes in use, in MiB, from the server's Node.js metrics. */
async function oldGenerationMiB(url: string): Promise<number | undefined> {
  const text = await fetch(`${url}/metrics`).then((r) => r.text(), () => '');
  const bytes = /^gatehouse_nodejs_heap_space_size_used_bytes\{space="old"\} (\S+)$/m.exec(text)?.[1];
  return bytes === undefined ? undefined : Number(bytes) / 1048576;
}

/** Time to a served discovery document for the embedded default, after its first run. */
async function measureColdStart(): Promise<number> {
  const dataDir = path.join(work, 'cold');
  fs.mkdirSync(dataDir, { mode: 0o755 });
  const first = await startProcess(PRODUCTION_ENTRY, { GATEHOUSE_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...PRODUCTION_ENV }, PRODUCTION_NODE_FLAGS);
  await first.stop();
  const second = await startProcess(PRODUCTION_ENTRY, { GATEHOUSE_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...PRODUCTION_ENV }, PRODUCTION_NODE_FLAGS);
  await second.stop();
  return second.startedInMs;
}

try {
  await main();
} finally {
  for (const step of cleanup.reverse()) await step();
  fs.rmSync(work, { recursive: true, force: true });
}
