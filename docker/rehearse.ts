// Rehearses docker/Dockerfile and docker/compose.yaml where no container engine runs: builds
// each stage in a Debian bookworm root filesystem (debootstrap) holding the project's Node.js,
// as node:24-bookworm-slim would, following the Dockerfile's instructions one by one; then
// starts the compose file's services from the final stage (the keys job, two Gatehouse nodes
// as the unprivileged user, Caddy with the compose file's Caddyfile) on the PostgreSQL and Redis
// of DATABASE_URL and REDIS_URL, and drives them through the proxy over HTTPS: discovery, an
// authorization code + PKCE sign-in spread over both nodes, the image's health check, SIGTERM.
//
//   sudo env DATABASE_URL=… REDIS_URL=… node docker/rehearse.ts    (root: chroot, debootstrap)
//
// Needs debootstrap and caddy (Debian packages). Prints what it checks; exits non-zero on the
// first failure. Not a container: the network and the kernel are the host's, so servers are
// bound to 127.0.0.1 and the upstream names of the Caddyfile are mapped to their ports.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import tls from 'node:tls';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as oidc from 'openid-client';
import { parse as parseYaml } from 'yaml';
import { freePort } from '../src/store/free-port.ts';
import { until } from '../test/helpers/eventually.ts';
import { authorize } from '../test/helpers/relying-party.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-rehearsal-'));
const baseCache = process.env.REHEARSAL_BASE ?? '/var/cache/gatehouse-rehearsal/bookworm';
const children: ChildProcess[] = [];
const mounts: string[] = [];

const step = (what: string) => console.log(`\n== ${what}`);
const ok = (what: string) => console.log(`ok  ${what}`);
function fail(what: string): never {
  throw new Error(what);
}

// --- the base image: Debian bookworm with Node.js in /usr/local and the user node (1000) -------

function baseImage(): string {
  if (fs.existsSync(baseCache)) return baseCache;
  step(`base image: debootstrap bookworm into ${baseCache}`);
  const partial = `${baseCache}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  execFileSync('debootstrap', ['--variant=minbase', 'bookworm', partial, 'http://deb.debian.org/debian'], { stdio: 'ignore' });
  fs.copyFileSync(process.execPath, path.join(partial, 'usr/local/bin/node'));
  const npmDir = path.resolve(fs.realpathSync(execFileSync('which', ['npm'], { encoding: 'utf8' }).trim()), '../..');
  fs.cpSync(npmDir, path.join(partial, 'usr/local/lib/node_modules/npm'), { recursive: true });
  fs.symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', path.join(partial, 'usr/local/bin/npm'));
  fs.symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', path.join(partial, 'usr/local/bin/npx'));
  chroot(partial, 'root', {}, '/', 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node');
  unmount(partial);
  fs.renameSync(partial, baseCache);
  return baseCache;
}

// --- the Dockerfile, instruction by instruction ------------------------------------------------

interface Stage { name: string; root: string; workdir: string; env: Record<string, string>; user: string; cmd?: string[]; healthcheck?: string[] }

function instructions(file: string): { op: string; args: string }[] {
  const joined = fs.readFileSync(file, 'utf8').replace(/\\\n\s*/g, ' ');
  return joined.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((l) => ({ op: l.split(/\s+/, 1)[0]!.toUpperCase(), args: l.slice(l.split(/\s+/, 1)[0]!.length).trim() }));
}

function build(dockerfile: string): Stage {
  const ignored = fs.readFileSync(path.join(repo, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  const stages = new Map<string, Stage>();
  let stage: Stage | undefined;
  for (const { op, args } of instructions(dockerfile)) {
    if (op === 'FROM') {
      const [, , name = `stage${stages.size}`] = args.split(/\s+/);
      stage = { name, root: path.join(work, name), workdir: '/', env: {}, user: 'root' };
      step(`stage ${name} (${args})`);
      execFileSync('cp', ['-a', '--reflink=auto', baseImage(), stage.root]);
      stages.set(name, stage);
      continue;
    }
    if (!stage) fail(`${op} before FROM`);
    if (op === 'WORKDIR') {
      stage.workdir = path.posix.resolve(stage.workdir, args);
      fs.mkdirSync(path.join(stage.root, stage.workdir), { recursive: true });
    } else if (op === 'ENV') {
      for (const [, key, value] of args.matchAll(/(\w+)=(\S+)/g)) stage.env[key!] = value!;
    } else if (op === 'USER') {
      stage.user = args;
    } else if (op === 'COPY') {
      const words = args.split(/\s+/);
      const from = words[0]!.startsWith('--from=') ? stages.get(words.shift()!.slice('--from='.length)) : undefined;
      const rawDest = words.pop()!;
      const dest = path.posix.resolve(stage.workdir, rawDest);
      for (const source of words) {
        const src = from ? path.join(from.root, path.posix.resolve(from.workdir, source)) : path.join(repo, source);
        const target = path.join(stage.root, words.length > 1 || rawDest.endsWith('/') ? path.posix.join(dest, path.basename(source)) : dest);
        fs.cpSync(src, target, { recursive: true, filter: (p) => from !== undefined || !isIgnored(path.relative(repo, p), ignored) });
      }
    } else if (op === 'RUN') {
      console.log(`RUN ${args}`);
      chroot(stage.root, stage.user, { ...stage.env, ...hostTrust(stage.root) }, stage.workdir, args);
    } else if (op === 'CMD') {
      stage.cmd = JSON.parse(args) as string[];
    } else if (op === 'HEALTHCHECK') {
      stage.healthcheck = JSON.parse(args.slice(args.indexOf('CMD') + 3).trim()) as string[];
    } else if (op !== 'EXPOSE') {
      fail(`the rehearsal does not know the instruction ${op}`);
    }
  }
  if (!stage?.cmd || !stage.healthcheck) fail('the final stage has no CMD or HEALTHCHECK');
  ok(`image built: ${stages.size} stages`);
  return stage;
}

/** Where the build machine reaches the registry through a TLS-inspecting proxy, its CAs (as a build secret). */
function hostTrust(root: string): Record<string, string> {
  const bundle = process.env.NODE_EXTRA_CA_CERTS;
  if (!bundle) return {};
  fs.copyFileSync(bundle, path.join(root, 'tmp/build-ca.crt'));
  return { NODE_EXTRA_CA_CERTS: '/tmp/build-ca.crt' };
}

/** .dockerignore patterns as this repository uses them: a path or a path/*.ext at the top. */
function isIgnored(relative: string, patterns: string[]): boolean {
  return patterns.some((p) => relative === p || relative.startsWith(`${p}/`)
    || (p.includes('*') && new RegExp(`^${p.replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`).test(relative)));
}

// --- running in the image's file system --------------------------------------------------------

function mountSystem(root: string): void {
  if (mounts.includes(root)) return;
  execFileSync('mount', ['-t', 'proc', 'proc', path.join(root, 'proc')]);
  execFileSync('mount', ['--rbind', '/dev', path.join(root, 'dev')]);
  fs.copyFileSync('/etc/resolv.conf', path.join(root, 'etc/resolv.conf'));
  mounts.push(root);
}

function unmount(root: string): void {
  if (!mounts.includes(root)) return;
  spawnSync('umount', ['-R', path.join(root, 'dev')]);
  spawnSync('umount', [path.join(root, 'proc')]);
  mounts.splice(mounts.indexOf(root), 1);
}

function chrootArgs(root: string, user: string, env: Record<string, string>, cwd: string, command: string[]): string[] {
  mountSystem(root);
  const home = user === 'root' ? '/root' : `/home/${user}`;
  const vars = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: home, ...env };
  return ['-i', ...Object.entries(vars).map(([k, v]) => `${k}=${v}`), 'chroot', `--userspec=${user}:${user}`, root,
    '/bin/sh', '-c', 'cd "$0" && exec "$@"', cwd, ...command];
}

function chroot(root: string, user: string, env: Record<string, string>, cwd: string, shell: string, input?: string): string {
  const run = spawnSync('env', chrootArgs(root, user, env, cwd, ['/bin/sh', '-c', shell]), { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0) fail(`"${shell}" failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

function start(name: string, root: string, user: string, env: Record<string, string>, cwd: string, command: string[]): ChildProcess {
  const child = spawn('env', chrootArgs(root, user, env, cwd, command), { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = fs.createWriteStream(path.join(work, `${name}.log`));
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  children.push(child);
  return child;
}

// --- compose.yaml ------------------------------------------------------------------------------

type Service = { environment?: Record<string, string>; command?: string[] };

/** Compose's ${VAR}, ${VAR:-default} and ${VAR:?message}, from the given variables. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, kind?: string, rest?: string) => {
    if (vars[name]) return vars[name];
    if (kind === '-') return rest!;
    return fail(`compose needs ${name}: ${rest ?? 'unset'}`);
  }).replace(/\$\$/g, '$');
}

async function main(): Promise<void> {
  const databaseUrl = new URL(process.env.DATABASE_URL ?? fail('DATABASE_URL: the PostgreSQL the services use'));
  const redisUrl = new URL(process.env.REDIS_URL ?? fail('REDIS_URL: the Redis the services use'));
  const image = build(path.join(repo, 'docker/Dockerfile'));

  step('compose services');
  const compose = parseYaml(fs.readFileSync(path.join(repo, 'docker/compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
  const services = compose.services;
  for (const name of ['postgres', 'redis', 'keys', 'gatehouse-a', 'gatehouse-b', 'proxy']) if (!services[name]) fail(`compose has no service ${name}`);
  const database = `rehearsal_${randomBytes(4).toString('hex')}`;
  execFileSync('psql', ['-q', databaseUrl.href, '-c', `CREATE DATABASE ${database}`]);
  const secrets = { COOKIE_KEYS: randomBytes(32).toString('base64url'), PAIRWISE_SALT: randomBytes(32).toString('base64url'), SMTP_URL: 'smtp://127.0.0.1:9', POSTGRES_PASSWORD: 'unused' };
  const environment = (service: Service) => Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), secrets)]));
  // the compose network's names, mapped to what runs here
  const onHost = (env: Record<string, string>) => {
    const db = new URL(env.DATABASE_URL!);
    if (db.hostname !== 'postgres' || db.pathname !== '/gatehouse') fail(`DATABASE_URL points at ${db.host}${db.pathname}, not the postgres service`);
    const redis = new URL(env.REDIS_URL!);
    if (redis.hostname !== 'redis') fail(`REDIS_URL points at ${redis.host}, not the redis service`);
    const local = new URL(databaseUrl.href);
    local.pathname = `/${database}`;
    return { ...image.env, ...env, DATABASE_URL: local.href, REDIS_URL: redisUrl.href, REDIS_KEY_PREFIX: `${database}:` };
  };

  const keys = services.keys!;
  console.log(`keys: ${keys.command!.join(' ')}`);
  chroot(image.root, image.user, onHost(environment(keys)), image.workdir, interpolate(keys.command!.at(-1)!, {}));
  if (!fs.existsSync(path.join(image.root, image.env.GATEHOUSE_KEYS_FILE!))) fail('the keys job wrote no keys file');
  ok('keys job: signing keys written by the unprivileged user, database migrated');

  const ports: Record<string, number> = {};
  for (const name of ['gatehouse-a', 'gatehouse-b']) {
    ports[name] = await freePort();
    const env = { ...onHost(environment(services[name]!)), HOST: '127.0.0.1', PORT: String(ports[name]) };
    start(name, image.root, image.user, env, image.workdir, image.cmd!);
  }
  for (const [index, name] of ['gatehouse-a', 'gatehouse-b'].entries()) {
    await until(async () => {
      if (children[index]!.exitCode !== null) fail(`${name} exited with ${children[index]!.exitCode}:\n${fs.readFileSync(path.join(work, `${name}.log`), 'utf8').slice(-2000)}`);
      return fetch(`http://127.0.0.1:${ports[name]}/health/ready`).then((r) => r.ok, () => false);
    }, `${name} to be ready`, 60_000);
    const health = spawnSync('env', chrootArgs(image.root, image.user, { PORT: String(ports[name]) }, image.workdir, image.healthcheck!));
    if (health.status !== 0) fail(`the image's health check fails on ${name}`);
    ok(`${name} runs as ${image.user} from ${image.cmd!.join(' ')}; the health check passes`);
  }

  step('proxy');
  const caddyfile = fs.readFileSync(path.join(repo, 'docker/Caddyfile'), 'utf8')
    .replace(/gatehouse-([ab]):3000/g, (_, n: string) => `127.0.0.1:${ports[`gatehouse-${n}`]}`)
    .replace(/^\{/, '{\n\tdefault_bind 127.0.0.1\n\tskip_install_trust\n\tadmin off');
  const caddyDir = path.join(work, 'caddy');
  fs.mkdirSync(caddyDir);
  fs.writeFileSync(path.join(caddyDir, 'Caddyfile'), caddyfile);
  const caddy = spawn('caddy', ['run', '--config', path.join(caddyDir, 'Caddyfile'), '--adapter', 'caddyfile'], {
    env: { ...process.env, XDG_DATA_HOME: caddyDir, XDG_CONFIG_HOME: caddyDir, HOME: caddyDir }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  caddy.stderr.pipe(fs.createWriteStream(path.join(work, 'caddy.log')));
  children.push(caddy);
  const issuer = environment(services['gatehouse-a']!).ISSUER!;
  const rootCa = path.join(caddyDir, 'caddy/pki/authorities/local/root.crt');
  await until(() => fs.existsSync(rootCa), 'Caddy to issue its certificate');
  // Caddy's local CA, as a browser that was told to trust it
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), fs.readFileSync(rootCa, 'utf8')]);
  let discovery: Record<string, string> = {};
  await until(async () => {
    const response = await fetch(`${issuer}/.well-known/openid-configuration`).catch(() => undefined);
    if (response?.ok) discovery = (await response.json()) as Record<string, string>;
    return Boolean(response?.ok);
  }, 'discovery through the proxy');
  if (discovery.issuer !== issuer || !discovery.token_endpoint!.startsWith(`${issuer}/`)) fail(`discovery through the proxy names ${discovery.issuer}, ${discovery.token_endpoint}`);
  ok(`discovery through Caddy over HTTPS: issuer ${discovery.issuer}`);
  const metrics = await fetch(`${issuer}/metrics`);
  if (metrics.status !== 404) fail(`the proxy answers /metrics with ${metrics.status}: it must stay on the compose network`);
  ok('the proxy does not expose /metrics');

  step('a sign-in through the proxy, spread over both nodes');
  const cli = (args: string, input?: string) => chroot(image.root, image.user, onHost(environment(services['gatehouse-a']!)), image.workdir, `node bin/gatehouse.js ${args}`, input);
  const user = { email: 'rehearsal@example.com', password: 'a rehearsal passphrase' };
  cli(`user create --email ${user.email} --password-stdin --verified`, `${user.password}\n`);
  const client = { id: 'rehearsal-app', secret: randomBytes(24).toString('base64url'), redirectUri: 'https://app.example.com/callback' };
  cli(`client create --id ${client.id} --redirect-uri ${client.redirectUri} --secret ${client.secret}`);
  const before = await requestsPerNode(ports);
  const config = await oidc.discovery(new URL(issuer), client.id, client.secret);
  const { callback, verifier, nonce, state } = await authorize(config, user, { scope: 'openid email', redirectUri: client.redirectUri });
  const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
  const subject = tokens.claims()?.sub; // openid-client checked its signature, issuer, audience and nonce
  if (!subject) fail('the token response has no ID token');
  const after = await requestsPerNode(ports);
  const served = Object.keys(ports).map((name) => after[name]! - before[name]!);
  if (served.some((n) => n === 0)) fail(`one node served the whole sign-in (${served.join(', ')} requests)`);
  ok(`signed in with code + PKCE and got an ID token for ${subject}; requests per node: ${served.join(', ')}`);

  step('graceful shutdown');
  for (const [index, name] of Object.keys(ports).entries()) {
    const child = children[index]!;
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    if (code !== 0) fail(`${name} exited with ${String(code)} on SIGTERM`);
    ok(`${name} exits 0 on SIGTERM`);
  }
}

/** Requests each node has answered, from its own metrics. */
async function requestsPerNode(ports: Record<string, number>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [name, port] of Object.entries(ports)) {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    counts[name] = [...text.matchAll(/^gatehouse_http_request_duration_seconds_count\{[^}]*\} (\d+)/gm)]
      .filter((m) => !m[0].includes('route="/metrics"') && !m[0].includes('/health/')).reduce((sum, m) => sum + Number(m[1]), 0);
  }
  return counts;
}

async function cleanup(): Promise<void> {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  for (const root of [...mounts]) unmount(root);
  if (!process.env.KEEP) fs.rmSync(work, { recursive: true, force: true });
}

try {
  await main();
  await cleanup();
} catch (error) {
  console.error(`\nFAILED: ${error instanceof Error ? error.message : String(error)}\nlogs: ${work}`);
  process.env.KEEP = '1';
  await cleanup();
  process.exit(1);
}
