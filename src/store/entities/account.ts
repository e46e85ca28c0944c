import { EntitySchema } from 'typeorm';
import type { Account } from '../../accounts/account.ts';

// Emails are stored trimmed and lower-cased (normalizeEmail), so uniqueness is case-insensitive.

export const AccountEntity = new EntitySchema<Account>({
  name: 'Account',
  tableName: 'accounts',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    email: { type: 'varchar', length: 320, unique: true },
    name: { type: 'varchar', length: 200, nullable: true },
    emailVerified: { name: 'email_verified', type: 'boolean', default: false },
    passwordHash: { name: 'password_hash', type: 'text', nullable: true },
    roles: { type: 'text', array: true, default: () => "'{}'" },
    disabled: { type: 'boolean', default: false },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
    updatedAt: { name: 'updated_at', type: 'timestamptz', updateDate: true },
  },
});
