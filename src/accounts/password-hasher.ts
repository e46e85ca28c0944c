import os from 'node:os';
import crypto from 'node:crypto';
import argon2 from 'argon2';
import { HashSlots } from './hash-slots.ts';

// OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
export const ARGON2_PARAMS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export interface Verification {
  ok: boolean;
  /** The hash was made with other parameters and should be replaced. */
  rehash: boolean;
}

export class PasswordHasher {
  readonly #slots: HashSlots;
  #dummy?: Promise<string>;

  constructor(queueLimit: number, concurrency = os.availableParallelism() - 1) {
    this.#slots = new HashSlots(concurrency, queueLimit);
  }

  /**
   * Refuses (429) at once when a hash could neither start nor wait now, so that callers skip the
   * work that would come before it (limits, the account lookup) when the answer is a refusal anyway.
   */
  checkCapacity(): void {
    this.#slots.checkCapacity();
  }

  hash(password: string): Promise<string> {
    return this.#slots.run(() => argon2.hash(password, ARGON2_PARAMS));
  }

  /** With no hash (unknown account), verifies against a dummy so both cost the same. */
  async verify(hash: string | null | undefined, password: string): Promise<Verification> {
    const target = hash ?? (await this.#dummyHash());
    const ok = await this.#slots.run(() => argon2.verify(target, password).catch(() => false));
    return { ok: ok && Boolean(hash), rehash: ok && Boolean(hash) && argon2.needsRehash(target, ARGON2_PARAMS) };
  }

  #dummyHash(): Promise<string> {
    this.#dummy ??= argon2.hash(crypto.randomBytes(16).toString('hex'), ARGON2_PARAMS);
    return this.#dummy;
  }
}

/** Whether a string is an argon2id PHC hash Gatehouse can verify (parameters in any order). */
export function isArgon2idHash(value: string): boolean {
  const match = /^\$argon2id\$v=19\$([a-z]=\d+(?:,[a-z]=\d+)*)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.exec(value);
  const keys = match?.[1]!.split(',').map((p) => p[0]).sort().join('');
  return keys === 'mpt';
}
