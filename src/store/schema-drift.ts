import type { DataSource } from 'typeorm';

/** SQL that would make the database match the entities; empty when migrations and entities agree. */
export async function schemaDrift(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}
