import crypto from 'node:crypto';
import pg from 'pg';

/** A new, empty database on the test PostgreSQL, for one test file. */
export async function freshDatabaseUrl(): Promise<string> {
  const base = new URL(process.env.DATABASE_URL!);
  // named after the run, so a run's teardown drops only its own databases on a shared server
  const name = `gh_test_${process.env.GATEHOUSE_TEST_RUN ?? 'adhoc'}_${crypto.randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: base.href });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  base.pathname = `/${name}`;
  return base.href;
}
