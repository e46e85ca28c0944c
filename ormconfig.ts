// The DataSource for TypeORM's own CLI (npx typeorm -d ormconfig.ts …); Gatehouse's CLI
// (gatehouse migrate) builds the same one from src/store/data-source.ts.
import { createDataSource } from './src/store/data-source.ts';

export default createDataSource(process.env.DATABASE_URL ?? 'postgres://localhost:5432/gatehouse');
