import { EntitySchema } from 'typeorm';
import type { Factor } from '../../mfa/factor.ts';

/** PostgreSQL bigint arrives as a string; counters and time steps fit a JavaScript number. */
const bigintNumber = { to: (value: number | null) => value, from: (value: string | null) => (value === null ? null : Number(value)) };

/** Second factors and passkeys: one row per TOTP app, passkey or unused recovery code. */
export const FactorEntity = new EntitySchema<Factor>({
  name: 'Factor',
  tableName: 'account_factors',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    accountId: { name: 'account_id', type: 'uuid' },
    kind: { type: 'varchar', length: 16 },
    name: { type: 'varchar', length: 100, nullable: true },
    secret: { type: 'text', nullable: true },
    credentialId: { name: 'credential_id', type: 'varchar', length: 1400, nullable: true, unique: true },
    publicKey: { name: 'public_key', type: 'bytea', nullable: true },
    counter: { type: 'bigint', nullable: true, transformer: bigintNumber },
    transports: { type: 'jsonb', nullable: true },
    lastStep: { name: 'last_step', type: 'bigint', nullable: true, transformer: bigintNumber },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
    lastUsedAt: { name: 'last_used_at', type: 'timestamptz', nullable: true },
  },
  indices: [{ name: 'account_factors_account', columns: ['accountId'] }],
  relations: {
    account: { type: 'many-to-one', target: 'Account', joinColumn: { name: 'account_id' }, onDelete: 'CASCADE' },
  } as never,
});
