import { EntitySchema } from 'typeorm';

export interface UpstreamRow {
  id: string;
  kind: 'oidc' | 'saml';
  config: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export interface FederatedIdentityRow {
  upstreamId: string;
  subject: string;
  accountId: string;
  createdAt: Date;
}

/** Upstream identity providers (OIDC and SAML) people can sign in with. */
export const UpstreamEntity = new EntitySchema<UpstreamRow>({
  name: 'Upstream',
  tableName: 'identity_providers',
  columns: {
    id: { type: 'varchar', length: 64, primary: true },
    kind: { type: 'varchar', length: 8 },
    config: { type: 'jsonb' },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
    updatedAt: { name: 'updated_at', type: 'timestamptz', updateDate: true },
  },
});

/** Which account an upstream's subject is: set when it was provisioned or linked. */
export const FederatedIdentityEntity = new EntitySchema<FederatedIdentityRow>({
  name: 'FederatedIdentity',
  tableName: 'federated_identities',
  columns: {
    upstreamId: { name: 'upstream_id', type: 'varchar', length: 64, primary: true },
    subject: { type: 'varchar', length: 512, primary: true },
    accountId: { name: 'account_id', type: 'uuid' },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
  },
  indices: [{ name: 'federated_identities_account', columns: ['accountId'] }],
  relations: {
    account: { type: 'many-to-one', target: 'Account', joinColumn: { name: 'account_id' }, onDelete: 'CASCADE' },
    upstream: { type: 'many-to-one', target: 'Upstream', joinColumn: { name: 'upstream_id' }, onDelete: 'CASCADE' },
  } as never,
});
