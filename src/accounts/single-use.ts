/**
 * Short-lived secrets used once: email links and codes, pending sign-ins, WebAuthn challenges
 * (DESIGN §4.8). Redis when configured, else PostgreSQL; both take a value in one atomic step.
 */
export interface SingleUseStore {
  /** Stores the value for ttl seconds; false when the key is already held. */
  put(key: string, value: Record<string, unknown>, ttlSeconds: number): Promise<boolean>;
  /** The value, left in place; undefined when absent or expired. */
  peek(key: string): Promise<Record<string, unknown> | undefined>;
  /** The value, deleted in the same step, so only one caller ever gets it. */
  take(key: string): Promise<Record<string, unknown> | undefined>;
  remove(key: string): Promise<void>;
}
