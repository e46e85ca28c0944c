import type { DataSource } from 'typeorm';

/** SQL that would make the database match the entities; empty when migrations and entities agree. */
export async function schemaDrift(dataSource: DataSource): Promise<string[]> {
  // TypeORM reads the type of every array column at once on one connection, which pg queues and,
  // from three queries waiting on, warns about (a deprecation aimed at pg 9). Only this read
  // does that, and only the CLI's `migrate --check` runs it: keep the warning off its stderr.
  const quiet = process.noDeprecation;
  process.noDeprecation = true;
  try {
    const sql = await dataSource.driver.createSchemaBuilder().log();
    return sql.upQueries.map((q) => q.query);
  } finally {
    process.noDeprecation = quiet;
  }
}
