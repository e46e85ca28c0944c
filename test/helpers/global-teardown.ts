import pg from 'pg';

/** Drops the databases the test files made, then stops what global setup started. */
export default async function globalTeardown(): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`gh\\_test\\_${process.env.GATEHOUSE_TEST_RUN}\\_%`]);
    for (const { datname } of rows) await client.query(`DROP DATABASE "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
  const state = (globalThis as { __gatehouseTestInfra?: { stop: (() => Promise<void> | void)[] } }).__gatehouseTestInfra;
  for (const stop of state?.stop ?? []) await stop();
}
