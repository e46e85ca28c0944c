import { EntitySchema } from 'typeorm';

/** oidc-provider's short-lived models (sessions, codes, tokens, interactions) when there is no Redis. */
export interface OidcModelRow {
  model: string;
  id: string;
  payload: Record<string, unknown>;
  grantId: string | null;
  userCode: string | null;
  uid: string | null;
  expiresAt: Date | null;
  consumedAt: Date | null;
}

export const OidcModelEntity = new EntitySchema<OidcModelRow>({
  name: 'OidcModel',
  tableName: 'oidc_models',
  columns: {
    model: { type: 'varchar', length: 64, primary: true },
    id: { type: 'varchar', length: 255, primary: true },
    payload: { type: 'jsonb' },
    grantId: { name: 'grant_id', type: 'varchar', length: 255, nullable: true },
    userCode: { name: 'user_code', type: 'varchar', length: 255, nullable: true },
    uid: { type: 'varchar', length: 255, nullable: true },
    expiresAt: { name: 'expires_at', type: 'timestamptz', nullable: true },
    consumedAt: { name: 'consumed_at', type: 'timestamptz', nullable: true },
  },
  indices: [
    { name: 'oidc_models_grant_id', columns: ['grantId'] },
    { name: 'oidc_models_user_code', columns: ['userCode'] },
    { name: 'oidc_models_uid', columns: ['uid'] },
    { name: 'oidc_models_expires_at', columns: ['expiresAt'] },
  ],
});
