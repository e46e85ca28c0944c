import { EntitySchema } from 'typeorm';

export interface ClientRow {
  clientId: string;
  /** RFC 7591 client metadata, as oidc-provider takes it (client_id included). */
  metadata: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export const ClientEntity = new EntitySchema<ClientRow>({
  name: 'Client',
  tableName: 'oidc_clients',
  columns: {
    clientId: { name: 'client_id', type: 'varchar', length: 255, primary: true },
    metadata: { type: 'jsonb' },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
    updatedAt: { name: 'updated_at', type: 'timestamptz', updateDate: true },
  },
});
