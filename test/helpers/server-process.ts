import { spawn, type ChildProcess } from 'node:child_process';

export interface ServerProcess {
  child: ChildProcess;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  exited: Promise<number | null>;
  /** Where it listens (PORT), which may differ from the issuer behind a load balancer. */
  url: string;
}

const running = new Set<ChildProcess>();

/** Starts `node src/server.ts` with exactly this environment and waits until it serves discovery. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['src/server.ts'], { env: { PATH: process.env.PATH!, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    running.delete(child);
    resolve(code);
  }));
  const url = `http://127.0.0.1:${env.PORT}`;
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the server exited: ${stderr}`);
    if (await fetch(`${url}/.well-known/openid-configuration`).then((r) => r.ok, () => false)) {
      return { child, stderr: () => stderr, exited, url };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`discovery did not answer within 30 s: ${stderr}`);
}

/** Kills every server process still running (for afterAll, whatever happened). */
export function killServerProcesses(): void {
  for (const child of running) child.kill('SIGKILL');
}
