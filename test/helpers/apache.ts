import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/store/free-port.ts';
import { until } from './eventually.ts';

const MODULES = '/usr/lib/apache2/modules';
// Shibboleth's module identifier breaks the foo_module pattern of the others
const moduleId = (name: string) => (name === 'shib' ? 'mod_shib' : `${name}_module`);

export interface Apache {
  url: string;
  /** Apache's error log so far (the modules under test log their refusals there). */
  errorLog(): string;
  stop(): Promise<void>;
}

/**
 * Debian's Apache httpd (installed by .ci/run) on 127.0.0.1 with the given modules and
 * configuration, and a document root holding `files`. The relying parties and service providers
 * that enterprises deploy in front of their apps run as Apache modules.
 */
export async function startApache(modules: string[], config: (url: string, dir: string) => string, files: Record<string, string> = {}): Promise<Apache> {
  const httpd = '/usr/sbin/apache2';
  for (const file of [httpd, ...modules.map((m) => path.join(MODULES, `mod_${m}.so`))]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is not installed: apt-get install apache2 libapache2-mod-auth-openidc libapache2-mod-auth-mellon libapache2-mod-shib`);
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-apache-'));
  fs.chmodSync(dir, 0o755);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, 'htdocs', name)), { recursive: true });
    fs.writeFileSync(path.join(dir, 'htdocs', name), content);
  }
  const base = ['mpm_event', 'authz_core', 'authz_user', 'authn_core', 'mime', 'dir', 'headers', 'setenvif'];
  const root = process.getuid?.() === 0;
  fs.writeFileSync(path.join(dir, 'httpd.conf'), [
    `ServerRoot ${dir}`,
    `ServerName 127.0.0.1:${port}`,
    `Listen 127.0.0.1:${port}`,
    `PidFile ${dir}/httpd.pid`,
    `ErrorLog ${dir}/error.log`,
    'LogLevel warn',
    // as root, Apache serves as an unprivileged user, which must read what it is given
    ...(root ? ['User www-data', 'Group www-data'] : []),
    ...[...base, ...modules].map((m) => `LoadModule ${moduleId(m)} ${MODULES}/mod_${m}.so`),
    'TypesConfig /etc/mime.types',
    `DocumentRoot ${dir}/htdocs`,
    'DirectoryIndex index.html',
    config(url, dir),
  ].join('\n'));
  if (root) spawnSync('chown', ['-R', 'www-data:www-data', dir]);
  const child: ChildProcess = spawn(httpd, ['-f', path.join(dir, 'httpd.conf'), '-DFOREGROUND'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const errorLog = () => `${stderr}${fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : ''}`;
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`Apache exited: ${errorLog()}`);
    return fetch(`${url}/`, { redirect: 'manual' }).then(() => true, () => false);
  }, 'Apache to start', 15_000);
  return {
    url,
    errorLog,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
