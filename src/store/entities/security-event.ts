import { EntitySchema } from 'typeorm';
import type { SecurityEvent } from '../../accounts/security-events.ts';

/** What happened to an account: sign-ins with their risk breakdown, factor changes, resets. */
export const SecurityEventEntity = new EntitySchema<SecurityEvent>({
  name: 'SecurityEvent',
  tableName: 'security_events',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    accountId: { name: 'account_id', type: 'uuid', nullable: true },
    kind: { type: 'varchar', length: 40 },
    ip: { type: 'varchar', length: 64, nullable: true },
    userAgent: { name: 'user_agent', type: 'varchar', length: 512, nullable: true },
    deviceId: { name: 'device_id', type: 'varchar', length: 64, nullable: true },
    detail: { type: 'jsonb', default: () => "'{}'" },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
  },
  indices: [
    { name: 'security_events_account_time', columns: ['accountId', 'createdAt'] },
    { name: 'security_events_ip_time', columns: ['ip', 'createdAt'] },
  ],
  relations: {
    account: { type: 'many-to-one', target: 'Account', joinColumn: { name: 'account_id' }, onDelete: 'CASCADE' },
  } as never,
});
