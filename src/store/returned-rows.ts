/** The rows of a raw query: TypeORM answers UPDATE/DELETE … RETURNING with [rows, count], INSERT and SELECT with rows. */
export function returnedRows(result: unknown): unknown[] {
  const list = result as unknown[];
  return Array.isArray(list[0]) ? (list[0] as unknown[]) : list;
}
