import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/log.ts';
import { startServer, type Running } from '../../src/server.ts';
import { freePort } from '../../src/store/free-port.ts';
import { freshDatabaseUrl } from './database.ts';

export type StorageKind = 'redis' | 'postgres';

export interface TestGatehouse {
  issuer: string;
  running: Running;
  /** Stops this server and starts another on the same database, Redis prefix, keys and port. */
  restart(): Promise<TestGatehouse>;
  close(): Promise<void>;
}

interface Options {
  storage?: StorageKind;
  env?: Record<string, string>;
  /** Collects every log line (at info level and above) instead of discarding them. */
  logLines?: string[];
  /** The issuer's host name: browsers accept "localhost" as a WebAuthn RP ID, never an IP address. */
  hostname?: '127.0.0.1' | 'localhost';
}

/**
 * A real Gatehouse on 127.0.0.1 for one test file: its own database, Redis key prefix and data
 * directory, so files run side by side. `storage: 'postgres'` runs without Redis.
 */
export async function startGatehouse({ storage = 'redis', env = {}, logLines, hostname = '127.0.0.1' }: Options = {}): Promise<TestGatehouse> {
  const port = await freePort();
  const fixed = {
    ISSUER: `http://${hostname}:${port}`,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: await freshDatabaseUrl(),
    ...(storage === 'redis' ? { REDIS_URL: process.env.REDIS_URL!, REDIS_KEY_PREFIX: `test:${crypto.randomBytes(6).toString('hex')}:` } : {}),
    GATEHOUSE_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-test-')),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    NODE_ENV: 'test',
    ...env,
  };
  const boot = async (): Promise<TestGatehouse> => {
    const config = loadConfig(fixed);
    const log = logLines ? createLogger('info', { write: (line: string) => void logLines.push(line) }) : createLogger(config.logLevel);
    const running = await startServer(config, log);
    const self: TestGatehouse = {
      issuer: config.issuer,
      running,
      async restart() {
        await running.close();
        return boot();
      },
      close: () => running.close(),
    };
    return self;
  };
  return boot();
}

/** Both storage kinds, for describe.each. */
export const STORAGE_KINDS: StorageKind[] = ['redis', 'postgres'];
