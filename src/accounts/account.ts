export interface Account {
  id: string;
  email: string;
  name: string | null;
  emailVerified: boolean;
  passwordHash: string | null;
  roles: string[];
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type AccountFields = Pick<Account, 'email' | 'name' | 'emailVerified' | 'passwordHash' | 'roles' | 'disabled'>;

/** What the account service needs from storage; src/store implements it. */
export interface AccountStore {
  findById(id: string): Promise<Account | undefined>;
  /** Emails are compared case-insensitively. */
  findByEmail(email: string): Promise<Account | undefined>;
  list(): Promise<Account[]>;
  /** Accounts by email after `afterEmail`, optionally only those whose email or name contains `search`. */
  page(query: { afterEmail?: string; limit: number; search?: string }): Promise<Account[]>;
  /** Throws AppError 'email_taken' when the email is in use. */
  create(fields: Partial<AccountFields> & { email: string }): Promise<Account>;
  /** Throws AppError 'email_taken' when the new email is in use. */
  update(id: string, fields: Partial<AccountFields>): Promise<void>;
}

/** Emails are kept trimmed and lower-cased: one account per address, whatever its case. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** Whether the text looks like an email address (one @, a dot in the domain, at most 320 characters). */
export const isEmailAddress = (text: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text) && text.length <= 320;
