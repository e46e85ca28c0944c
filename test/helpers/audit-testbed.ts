import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createCore, type Core } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load.ts';
import { gatehouseCli, type CliResult } from './cli.ts';
import { freshDatabaseUrl } from './database.ts';

export interface AuditTestbed {
  env: Record<string, string>;
  core: Core;
  /** A direct connection, as someone with write access to the table has. */
  db: pg.Client;
  /** SQL as a database owner would run it, with the append-only trigger out of the way. */
  tamper(...statements: string[]): Promise<void>;
  /** `gatehouse audit verify`, as an operator runs it. */
  verify(): Promise<CliResult>;
  close(): Promise<void>;
}

/** A fresh database with Gatehouse's schema, for tests of the audit log against tampering. */
export async function auditTestbed(): Promise<AuditTestbed> {
  const env = { DATABASE_URL: await freshDatabaseUrl(), GATEHOUSE_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-audit-')) };
  const core = await createCore(loadConfig(env), 'share');
  const db = new pg.Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  return {
    env, core, db,
    async tamper(...statements) {
      const guarded = ['audit_events', 'audit_checkpoints', 'audit_anchor'];
      for (const table of guarded) await db.query(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_append_only`);
      try {
        for (const sql of statements) await db.query(sql);
      } finally {
        for (const table of guarded) await db.query(`ALTER TABLE ${table} ENABLE TRIGGER ${table}_append_only`);
      }
    },
    verify: () => gatehouseCli(['audit', 'verify'], env),
    async close() {
      await db.end();
      await core.close();
    },
  };
}
