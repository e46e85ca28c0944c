import { AppError } from '../app-error.ts';
import type { Actor, RecordChange } from '../audit/changes.ts';
import type { Config } from '../config/config.ts';
import { generateSigningKey, readKeysFile, rotate, SIGNING_ALGS, writeKeysFile, type StoredKey } from './signing-keys.ts';

/** A signing key as operators see it: never its private part. */
export interface KeyView {
  kid: string;
  alg: string;
  created_at: string;
  /** `signing` keys sign now; `retired` ones stay published until tokens they signed expire. */
  state: 'signing' | 'retired';
  retired_at: string | null;
  published_until: string | null;
}

const iso = (epoch: number) => new Date(epoch * 1000).toISOString();

interface Deps {
  config: Pick<Config, 'inlineJwks' | 'keysFile' | 'ttl'>;
  /** Tells every Gatehouse process to reload the keys. */
  announce: () => Promise<void>;
  recordChange: RecordChange;
}

/** Listing and rotating the signing keys, from the CLI, the admin API and the admin UI alike. */
export function manageKeys({ config, announce, recordChange }: Deps) {
  // Retired keys stay published as long as the longest-lived token they signed.
  const retention = Math.max(config.ttl.accessToken, config.ttl.idToken);
  const view = (k: StoredKey): KeyView => ({
    kid: k.kid, alg: k.alg, created_at: iso(k.created_at), state: k.retired_at === undefined ? 'signing' : 'retired',
    retired_at: k.retired_at === undefined ? null : iso(k.retired_at),
    published_until: k.retired_at === undefined ? null : iso(k.retired_at + retention),
  });
  const fileOnly = () => {
    if (config.inlineJwks) throw new AppError('keys_inline', 409, 'the signing keys come from GATEHOUSE_JWKS; list and rotate them where that value is kept');
  };

  return {
    list(): KeyView[] {
      fileOnly();
      return (readKeysFile(config.keysFile) ?? []).map(view);
    },

    /** New keys sign from now on (created when there are none); the old ones stay published. */
    async rotate(actor: Actor): Promise<KeyView[]> {
      fileOnly();
      const current = readKeysFile(config.keysFile);
      const next = current ? await rotate(current, retention) : await Promise.all(SIGNING_ALGS.map(generateSigningKey));
      writeKeysFile(config.keysFile, next);
      const fresh = next.filter((k) => k.retired_at === undefined);
      await recordChange(actor, 'keys.rotate', { type: 'signing_keys', id: config.keysFile }, { kids: (current ?? []).map((k) => k.kid) }, { kids: next.map((k) => k.kid), signing: fresh.map((k) => k.kid) });
      await announce();
      return next.map(view);
    },
  };
}

export type ManagedKeys = ReturnType<typeof manageKeys>;
