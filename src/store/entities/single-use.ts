import { EntitySchema } from 'typeorm';

/** Single-use secrets (email links, codes, challenges) when there is no Redis. */
export interface SingleUseRow {
  key: string;
  value: Record<string, unknown>;
  expiresAt: Date;
}

export const SingleUseEntity = new EntitySchema<SingleUseRow>({
  name: 'SingleUse',
  tableName: 'single_use',
  columns: {
    key: { type: 'varchar', length: 255, primary: true },
    value: { type: 'jsonb' },
    expiresAt: { name: 'expires_at', type: 'timestamptz' },
  },
  indices: [{ name: 'single_use_expires_at', columns: ['expiresAt'] }],
});
