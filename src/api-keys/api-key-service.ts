import { AppError } from '../app-error.ts';
import type { Actor } from '../audit/changes.ts';
import type { Store } from '../store/open-store.ts';
import { generateApiKey, hashApiKeySecret, type ApiKey, type ApiKeyStore } from './api-key.ts';

export interface NewApiKey {
  name: string;
  scopes: string[];
  /** Days until it expires; none = it never does. */
  expiresInDays?: number;
  /** The account it acts for (an account id). */
  owner?: string;
  /** The resource its tokens are for; none = the default resource. */
  resource?: string;
}

interface Deps {
  store: ApiKeyStore;
  accountExists(id: string): Promise<boolean>;
  /** The scopes a resource server accepts (none given: the default resource); undefined for an unknown one. */
  resourceScopes(identifier?: string): string[] | undefined;
  /** Changes and their audit entries land together, or neither does. */
  transaction: Store['transaction'];
}

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const TOUCH_EVERY_MS = 60_000;

/** A key as it may be shown and audited: everything but the hash of its secret. */
export const publicView = ({ secretHash: _hash, ...key }: ApiKey) => key;
export type ApiKeyView = ReturnType<typeof publicView>;

export type ApiKeyService = ReturnType<typeof createApiKeyService>;

/** API keys for machine callers: created (the key shown once), listed, revoked; every change audited. */
export function createApiKeyService({ store, accountExists, resourceScopes, transaction }: Deps) {
  const lastTouched = new Map<string, number>();
  return {
    /** Creates a key; the returned `key` is the only time the full secret exists outside the caller. */
    async create(input: NewApiKey, actor: Actor): Promise<{ key: string; apiKey: ApiKeyView }> {
      const name = input.name.trim();
      if (!name || name.length > 100) throw new AppError('invalid_api_key', 400, 'name must be 1 to 100 characters');
      const scopes = [...new Set(input.scopes)];
      if (!scopes.length) throw new AppError('invalid_api_key', 400, 'scopes must name at least one scope');
      if (scopes.join(' ').length > 2000) throw new AppError('invalid_api_key', 400, 'scopes are too long (2000 characters at most)');
      const bad = scopes.find((s) => !SCOPE_TOKEN.test(s));
      if (bad !== undefined) throw new AppError('invalid_api_key', 400, `scopes: "${bad}" is not a scope token (RFC 6749 §3.3)`);
      const days = input.expiresInDays;
      if (days !== undefined && !(Number.isInteger(days) && days > 0 && days <= 3650)) {
        throw new AppError('invalid_api_key', 400, 'expires in must be a whole number of days from 1 to 3650');
      }
      if (input.owner !== undefined && !(await accountExists(input.owner))) {
        throw new AppError('invalid_api_key', 400, `owner: no account ${input.owner}`);
      }
      const accepted = resourceScopes(input.resource);
      if (!accepted) throw new AppError('invalid_api_key', 400, `resource: ${input.resource} is not a resource server Gatehouse knows (RESOURCE_SERVERS)`);
      const foreign = scopes.filter((s) => !accepted.includes(s));
      if (foreign.length) {
        throw new AppError('invalid_api_key', 400, `scopes: ${foreign.join(', ')} not accepted by ${input.resource ?? 'the default resource'} (it accepts ${accepted.join(' ') || 'none'})`);
      }
      const { id, secret } = generateApiKey();
      const created = await transaction(async (repos) => {
        const key = await repos.apiKeys.create({
          id, name, secretHash: hashApiKeySecret(secret), owner: input.owner ?? null, scopes, resource: input.resource ?? null,
          expiresAt: days ? new Date(Date.now() + days * 86_400_000) : null, createdBy: actor,
        });
        await repos.record(actor, 'api_key.create', { type: 'api_key', id }, undefined, publicView(key));
        return key;
      });
      return { key: secret, apiKey: publicView(created) };
    },
    list: async () => (await store.list()).map(publicView),
    async find(id: string): Promise<ApiKeyView | undefined> {
      const key = await store.find(id);
      return key && publicView(key);
    },
    /** Revokes a key at once on every node (its client disappears; tokens already issued run out). */
    revoke: (id: string, actor: Actor): Promise<void> => transaction(async (repos) => {
      await repos.lock(`api-key:${id}`);
      const before = await repos.apiKeys.find(id);
      if (!before) throw new AppError('api_key_not_found', 404, `no API key ${id}`);
      if (before.revokedAt) throw new AppError('api_key_revoked', 409, `API key ${id} is revoked already`);
      await repos.apiKeys.revoke(id);
      const after = await repos.apiKeys.find(id);
      await repos.record(actor, 'api_key.revoke', { type: 'api_key', id }, publicView(before), after && publicView(after));
    }),
    /** Notes a successful use; cheap on the hot path (at most one write a minute per key and node). */
    async used(id: string): Promise<void> {
      const now = Date.now();
      if (now - (lastTouched.get(id) ?? 0) < TOUCH_EVERY_MS) return;
      lastTouched.set(id, now);
      if (lastTouched.size > 10_000) lastTouched.clear(); // bounded; the store throttles again anyway
      await store.touch(id);
    },
  };
}
