import crypto from 'node:crypto';

/**
 * An API key: a credential for machine callers, used as the client_id and client_secret of the
 * OAuth client_credentials grant (RFC 6749 §4.4). Only the SHA-256 of the secret is stored.
 */
export interface ApiKey {
  /** The public, visible part: `gk_` and 12 characters; the OAuth client_id. */
  id: string;
  name: string;
  /** SHA-256 of the full key, base64url; the key has 256 random bits, so a fast hash is right. */
  secretHash: string;
  /** The account the key acts for, if any (an account id). */
  owner: string | null;
  scopes: string[];
  /** The resource (RFC 8707 audience) its tokens are for; none = the default resource. */
  resource: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdBy: string;
  createdAt: Date;
}

/** What API keys need from storage; src/store implements it. */
export interface ApiKeyStore {
  create(key: Omit<ApiKey, 'revokedAt' | 'lastUsedAt' | 'createdAt'>): Promise<ApiKey>;
  find(id: string): Promise<ApiKey | undefined>;
  list(): Promise<ApiKey[]>;
  /** Marks the key revoked (now); false when there is no such key or it was revoked already. */
  revoke(id: string): Promise<boolean>;
  /** Records a use, at most once a minute per key. */
  touch(id: string): Promise<void>;
}

const ID_PREFIX = 'gk_';
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'; // lower case: easy to read out and compare
const ID_PATTERN = /^gk_[a-z0-9]{12}$/;

/** Whether a client_id names an API key (such client_ids are reserved for them). */
export const isApiKeyId = (clientId: unknown): clientId is string => typeof clientId === 'string' && ID_PATTERN.test(clientId);

/** A new key: its public id and the full secret `<id>.<256 random bits, base64url>`, shown once. */
export function generateApiKey(): { id: string; secret: string } {
  const id = ID_PREFIX + Array.from({ length: 12 }, () => ID_ALPHABET[crypto.randomInt(ID_ALPHABET.length)]).join('');
  return { id, secret: `${id}.${crypto.randomBytes(32).toString('base64url')}` };
}

/** What is stored of a key, and what a presented secret is compared as. */
export const hashApiKeySecret = (secret: string) => crypto.createHash('sha256').update(secret).digest('base64url');

/** Whether the key can be used now: neither revoked nor expired. */
export const isUsable = (key: ApiKey, now = Date.now()) => !key.revokedAt && (!key.expiresAt || key.expiresAt.getTime() > now);
