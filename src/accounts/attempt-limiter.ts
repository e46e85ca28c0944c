import { AppError } from '../app-error.ts';

/** Counts attempts per key (an IP address, an email) in a window; src/store implements it. */
export interface AttemptLimiter {
  /** Records one attempt; answers seconds to wait when the key is now over its limit, else 0. */
  hit(key: string): Promise<number>;
  /** Seconds until the key may try again; 0 when it may now. */
  blockedFor(key: string): Promise<number>;
  /** Blocks the key for the given seconds. */
  block(key: string, seconds: number): Promise<void>;
  reset(key: string): Promise<void>;
}

export interface LimiterOptions {
  name: string;
  points: number;
  durationSeconds: number;
}

export type LimiterFactory = (options: LimiterOptions) => AttemptLimiter;

/** "45 seconds", "3 minutes": how long to wait, in words. */
const inWords = (seconds: number) => (seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`);

/** A refusal by a limit: 429 with Retry-After, saying what there was too much of and when to try again. */
export const limited = (code: string, what: string, seconds: number) =>
  new AppError(code, 429, `Too many ${what}. Try again in ${inWords(seconds)}.`, { retryAfter: seconds });
