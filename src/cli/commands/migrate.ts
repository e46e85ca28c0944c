import { openStore } from '../../store/open-store.ts';
import { parse, type Command } from '../command.ts';

export const migrateCommand: Command = async (args, config) => {
  const { values } = parse(args, { check: { type: 'boolean' } });
  const store = await openStore(config, { mode: 'share' });
  try {
    const applied = await store.migrate();
    for (const name of applied) process.stdout.write(`applied ${name}\n`);
    if (!applied.length) process.stdout.write('the database is up to date\n');
    if (!values.check) return 0;
    const drift = await store.drift();
    if (!drift.length) {
      process.stdout.write('entities and migrations agree\n');
      return 0;
    }
    process.stderr.write(`gatehouse: the entities differ from the migrations; add a migration with:\n${drift.map((q) => `  ${q};`).join('\n')}\n`);
    return 1;
  } finally {
    await store.close();
  }
};
