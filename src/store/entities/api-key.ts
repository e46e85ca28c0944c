import { EntitySchema } from 'typeorm';
import type { ApiKey } from '../../api-keys/api-key.ts';

/** API keys: the hash of the secret, never the secret. */
export const ApiKeyEntity = new EntitySchema<ApiKey>({
  name: 'ApiKey',
  tableName: 'api_keys',
  columns: {
    id: { type: 'varchar', length: 32, primary: true },
    name: { type: 'varchar', length: 100 },
    secretHash: { name: 'secret_hash', type: 'varchar', length: 64 },
    owner: { type: 'uuid', nullable: true },
    // space-delimited, as OAuth writes scopes (RFC 6749 §3.3)
    scopes: { name: 'scope', type: 'varchar', length: 2000, transformer: { to: (s: string[]) => s.join(' '), from: (v: string) => v.split(' ').filter(Boolean) } },
    resource: { type: 'varchar', length: 2048, nullable: true },
    expiresAt: { name: 'expires_at', type: 'timestamptz', nullable: true },
    revokedAt: { name: 'revoked_at', type: 'timestamptz', nullable: true },
    lastUsedAt: { name: 'last_used_at', type: 'timestamptz', nullable: true },
    createdBy: { name: 'created_by', type: 'varchar', length: 255 },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
  },
});
