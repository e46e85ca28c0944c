import { EntitySchema } from 'typeorm';

export interface AccountRow {
  id: string;
  /** Stored trimmed and lower-cased, so uniqueness is case-insensitive. */
  email: string;
  name: string | null;
  emailVerified: boolean;
  passwordHash: string | null;
  roles: string[];
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const AccountEntity = new EntitySchema<AccountRow>({
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
