/** A sign-in session of an account: oidc-provider's Session, indexed by account. */
export interface AccountSession {
  /** The Session model's id (what its cookie holds). */
  id: string;
  accountId: string;
  loginAt: Date;
  expiresAt: Date;
}

export interface AccountSessionStore {
  /** The account's live sessions, newest sign-in first. */
  list(accountId: string): Promise<AccountSession[]>;
  /** Ends one session (when it is the account's), or all of them but `keep`. */
  end(accountId: string, which: { only: string } | { allBut?: string }): Promise<number>;
}
