/** RFC 7591 client metadata as oidc-provider takes it, client_id included. */
export type ClientMetadata = Record<string, unknown> & { client_id: string };

/** What client management needs from storage; src/store implements it. */
export interface ClientStore {
  find(clientId: string): Promise<ClientMetadata | undefined>;
  list(): Promise<ClientMetadata[]>;
  /** Creates or replaces the client; answers what happened. */
  save(metadata: ClientMetadata): Promise<'created' | 'updated' | 'unchanged'>;
  delete(clientId: string): Promise<boolean>;
}
