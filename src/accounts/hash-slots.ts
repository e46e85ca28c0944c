import { AppError } from '../app-error.ts';

const busy = () => new AppError('busy', 429, 'Too many sign-ins in progress. Try again in a moment.', { retryAfter: 1 });

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

  /** Whether a hash asked for now would be refused: every slot busy and the line full. */
  get full(): boolean {
    return this.#busy >= this.#size && this.#waiting.length >= this.#queueLimit;
  }

  /** Refuses (429) at once when a hash asked for now could neither start nor wait. */
  checkCapacity(): void {
    if (this.full) throw busy();
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#busy >= this.#size) {
      this.checkCapacity();
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
