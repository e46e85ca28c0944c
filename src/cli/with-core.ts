import { createCore, type Core } from '../app.ts';
import type { Config } from '../config/config.ts';

/** Runs a command against storage, sharing an embedded PostgreSQL a running server owns. */
export async function withCore<T>(config: Config, fn: (core: Core) => Promise<T>): Promise<T> {
  const core = await createCore(config, 'share');
  try {
    return await fn(core);
  } finally {
    await core.close();
  }
}
