/** A service provider that received an assertion in a sign-in session: whom to tell when it ends. */
export interface Participant {
  /** The oidc-provider Session's uid (also the assertion's SessionIndex). */
  sessionUid: string;
  entityId: string;
  nameId: string;
  nameIdFormat: string;
  expiresAt: Date;
}

/** What SAML logout needs from storage; src/store implements it. */
export interface ParticipantStore {
  /** Records (or refreshes) an SP's part in a session. */
  add(participant: Participant): Promise<void>;
  forSession(sessionUid: string): Promise<Participant[]>;
  /** The live sessions an SP's NameID belongs to, optionally one SessionIndex only. */
  find(entityId: string, nameId: string, sessionIndex?: string): Promise<Participant[]>;
  removeSession(sessionUid: string): Promise<void>;
}
