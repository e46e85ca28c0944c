import { EntitySchema } from 'typeorm';
import type { AccountSession } from '../../accounts/account-sessions.ts';

/** Which sign-in sessions (oidc-provider's Session model) belong to an account, to list and end them. */
export const AccountSessionEntity = new EntitySchema<AccountSession>({
  name: 'AccountSession',
  tableName: 'account_sessions',
  columns: {
    id: { type: 'varchar', length: 255, primary: true },
    accountId: { name: 'account_id', type: 'uuid' },
    loginAt: { name: 'login_at', type: 'timestamptz' },
    expiresAt: { name: 'expires_at', type: 'timestamptz' },
  },
  indices: [{ name: 'account_sessions_account', columns: ['accountId'] }],
  relations: {
    account: { type: 'many-to-one', target: 'Account', joinColumn: { name: 'account_id' }, onDelete: 'CASCADE' },
  } as never,
});
