import { AppError } from '../app-error.ts';

/**
 * Bounds how many password hashes run at once. argon2 and oidc-provider's JWT signing share
 * Node's thread pool: unbounded sign-ins starve token issuance. Callers beyond the waiting
 * line get 429 at once rather than a slow answer.
 */
export class HashSlots {
  readonly #size: number;
  readonly #queueLimit: number;
  #busy = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number, queueLimit: number) {
    this.#size = Math.max(1, size);
    this.#queueLimit = queueLimit;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#busy >= this.#size) {
      if (this.#waiting.length >= this.#queueLimit) {
        throw new AppError('busy', 429, 'Too many sign-ins in progress. Try again in a moment.', { retryAfter: 1 });
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#busy++;
    }
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next(); // the slot passes straight to the next in line
      else this.#busy--;
    }
  }
}
