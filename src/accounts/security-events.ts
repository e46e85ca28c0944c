/** Something that happened to an account, kept for the user's security page and the risk engine. */
export interface SecurityEvent {
  id: string;
  accountId: string | null;
  /** 'sign_in', 'sign_in_failed', 'password_reset', 'factor_added', … */
  kind: string;
  ip: string | null;
  userAgent: string | null;
  deviceId: string | null;
  detail: Record<string, unknown>;
  createdAt: Date;
}

export type NewSecurityEvent = Omit<SecurityEvent, 'id' | 'createdAt'>;

export interface SecurityEventStore {
  record(event: NewSecurityEvent): Promise<void>;
  /** The account's newest events first. */
  recent(accountId: string, limit: number, kinds?: string[], since?: Date): Promise<SecurityEvent[]>;
  /** Where the account's newest successful sign-ins since then came from (their origin only, for the risk engine). */
  signInOrigins(accountId: string, limit: number, since: Date): Promise<SignInOrigin[]>;
  /** Failed sign-ins since then for the account and from the address. */
  failuresSince(since: Date, accountId: string, ip: string): Promise<{ account: number; ip: number }>;
}

export type SignInOrigin = Pick<SecurityEvent, 'ip' | 'userAgent' | 'deviceId' | 'createdAt'>;
