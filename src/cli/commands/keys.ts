import { readKeysFile, rotate, writeKeysFile, SIGNING_ALGS, generateSigningKey, type StoredKey } from '../../keys/signing-keys.ts';
import { openStore } from '../../store/open-store.ts';
import { parse, type Command } from '../command.ts';
import { UsageError } from '../cli-error.ts';

const iso = (epoch?: number) => (epoch ? new Date(epoch * 1000).toISOString() : '-');

export const keysCommand: Command = async ([sub, ...args], config) => {
  parse(args, {});
  if (config.inlineJwks) throw new UsageError('the signing keys come from GATEHOUSE_JWKS; list and rotate them where that value is kept');
  // Retired keys stay published as long as the longest-lived token they signed.
  const retention = Math.max(config.ttl.accessToken, config.ttl.idToken);
  switch (sub) {
    case 'list': {
      const keys = readKeysFile(config.keysFile) ?? [];
      if (!keys.length) process.stdout.write(`no keys at ${config.keysFile}; "gatehouse keys rotate" creates them\n`);
      for (const k of keys) {
        const state = k.retired_at === undefined ? 'signing' : `retired ${iso(k.retired_at)}, published until ${iso(k.retired_at + retention)}`;
        process.stdout.write(`${k.kid}\t${k.alg}\tcreated ${iso(k.created_at)}\t${state}\n`);
      }
      return 0;
    }
    case 'rotate': {
      const current = readKeysFile(config.keysFile);
      const next: StoredKey[] = current ? await rotate(current, retention) : await Promise.all(SIGNING_ALGS.map(generateSigningKey));
      writeKeysFile(config.keysFile, next);
      for (const k of next.filter((key) => key.retired_at === undefined)) process.stdout.write(`new signing key ${k.kid} (${k.alg})\n`);
      process.stdout.write(`written to ${config.keysFile}; the old keys stay published\n`);
      // Running servers reading this file switch to the new keys now.
      try {
        const store = await openStore(config, { mode: 'share' });
        await store.announceKeys().finally(() => store.close());
      } catch (error) {
        process.stderr.write(`gatehouse: running servers could not be told (${(error as Error).message}); restart them to sign with the new keys\n`);
        return 1;
      }
      return 0;
    }
    default:
      throw new UsageError('keys needs a subcommand: list or rotate');
  }
};
