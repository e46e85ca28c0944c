/** A second factor or passkey as stored; one interface for every kind (DESIGN §4.7). */
export interface Factor {
  id: string;
  accountId: string;
  kind: FactorKind;
  /** The user's label ("Phone", "YubiKey"). */
  name: string | null;
  /** TOTP: the base32 shared secret. Recovery code: its SHA-256, hex. */
  secret: string | null;
  /** WebAuthn: the credential ID (base64url), its COSE public key, signature counter and transports. */
  credentialId: string | null;
  publicKey: Uint8Array | null;
  counter: number | null;
  transports: string[] | null;
  /** TOTP: the last time step accepted (RFC 6238 §5.2: a code is accepted once). */
  lastStep: number | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export type FactorKind = 'totp' | 'passkey' | 'recovery';

export type NewFactor = Pick<Factor, 'accountId' | 'kind'> & Partial<Omit<Factor, 'id' | 'accountId' | 'kind' | 'createdAt'>>;

/** What the factor services need from storage; src/store implements it. */
export interface FactorStore {
  list(accountId: string, kind?: FactorKind): Promise<Factor[]>;
  findByCredentialId(credentialId: string): Promise<Factor | undefined>;
  add(factor: NewFactor): Promise<Factor>;
  /** Replaces every factor of this kind (regenerated recovery codes) in one transaction. */
  replaceAll(accountId: string, kind: FactorKind, factors: NewFactor[]): Promise<void>;
  rename(accountId: string, id: string, name: string): Promise<boolean>;
  remove(accountId: string, id: string): Promise<boolean>;
  removeAll(accountId: string): Promise<void>;
  /** Accepts a TOTP time step only when it is later than the last accepted one, atomically. */
  advanceStep(id: string, step: number): Promise<boolean>;
  /** Deletes an unused recovery code with this hash, atomically; false when there is none. */
  consumeRecoveryCode(accountId: string, hash: string): Promise<boolean>;
  /** Records a passkey use and its new signature counter. */
  touch(id: string, counter?: number): Promise<void>;
}
