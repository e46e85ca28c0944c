import { manageKeys } from '../../keys/manage-keys.ts';
import { openStore } from '../../store/open-store.ts';
import { parse, type Command } from '../command.ts';
import { UsageError } from '../cli-error.ts';
import { cliActor } from '../cli-actor.ts';

export const keysCommand: Command = async ([sub, ...args], config) => {
  parse(args, {});
  if (config.inlineJwks) throw new UsageError('the signing keys come from GATEHOUSE_JWKS; list and rotate them where that value is kept');
  switch (sub) {
    case 'list': {
      const keys = manageKeys({ config, announce: async () => {}, recordChange: async () => {} }).list();
      if (!keys.length) process.stdout.write(`no keys at ${config.keysFile}; "gatehouse keys rotate" creates them\n`);
      for (const k of keys) {
        const state = k.state === 'signing' ? 'signing' : `retired ${k.retired_at}, published until ${k.published_until}`;
        process.stdout.write(`${k.kid}\t${k.alg}\tcreated ${k.created_at}\t${state}\n`);
      }
      return 0;
    }
    case 'rotate': {
      // Running servers reading this file switch to the new keys when told through the store.
      const store = await openStore(config, { mode: 'share' });
      try {
        await store.migrate();
        const keys = await manageKeys({ config, announce: store.announceKeys, recordChange: store.record }).rotate(cliActor());
        for (const k of keys.filter((key) => key.state === 'signing')) process.stdout.write(`new signing key ${k.kid} (${k.alg})\n`);
        process.stdout.write(`written to ${config.keysFile}; the old keys stay published\n`);
      } finally {
        await store.close();
      }
      return 0;
    }
    default:
      throw new UsageError('keys needs a subcommand: list or rotate');
  }
};
