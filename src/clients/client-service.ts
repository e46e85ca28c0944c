import crypto from 'node:crypto';
import { AppError } from '../app-error.ts';
import type { ClientMetadata, ClientStore } from './client-store.ts';
import { describeFinding, lintClient } from './client-lint.ts';
import { isApiKeyId } from '../api-keys/api-key.ts';

/** Checks metadata the way the authorization server will read it; throws with the reason. */
export type ClientValidator = (metadata: ClientMetadata) => Promise<void>;

/** The token endpoint auth methods that use a client_secret. */
export const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);

export type ClientService = ReturnType<typeof createClientService>;

export function createClientService(store: ClientStore, validator: ClientValidator) {
  /**
   * Validated, JSON-clean metadata; a secret is generated when the auth method needs one.
   * What RFC 9700 forbids is refused; what it discourages comes back as warnings.
   */
  async function prepare(input: Record<string, unknown>): Promise<{ metadata: ClientMetadata; warnings: string[] }> {
    const metadata = JSON.parse(JSON.stringify(input)) as ClientMetadata;
    if (typeof metadata.client_id !== 'string' || !metadata.client_id) {
      throw new AppError('invalid_client_metadata', 400, 'client_id is required');
    }
    if (isApiKeyId(metadata.client_id)) {
      throw new AppError('invalid_client_metadata', 400, 'client_id: gk_ followed by 12 letters or digits is reserved for API keys');
    }
    const findings = lintClient(metadata);
    const errors = findings.filter((f) => f.level === 'error').map(describeFinding);
    if (errors.length) throw new AppError('invalid_client_metadata', 400, errors.join('; '));
    const method = (metadata.token_endpoint_auth_method as string | undefined) ?? 'client_secret_basic';
    if (SECRET_METHODS.has(method) && metadata.client_secret === undefined) {
      metadata.client_secret = crypto.randomBytes(32).toString('base64url');
    }
    try {
      await validator(metadata);
    } catch (error) {
      const reason = (error as { error_description?: string }).error_description ?? (error as Error).message;
      throw new AppError('invalid_client_metadata', 400, reason);
    }
    return { metadata, warnings: findings.filter((f) => f.level === 'warning').map(describeFinding) };
  }

  return {
    prepare,
    list: () => store.list(),
    find: (clientId: string) => store.find(clientId),
    async create(input: Record<string, unknown>): Promise<{ metadata: ClientMetadata; warnings: string[] }> {
      const { metadata, warnings } = await prepare(input);
      if (await store.find(metadata.client_id)) {
        throw new AppError('client_exists', 409, `a client with client_id ${metadata.client_id} already exists`);
      }
      await store.save(metadata);
      return { metadata, warnings };
    },
    async delete(clientId: string): Promise<void> {
      if (!(await store.delete(clientId))) throw new AppError('client_not_found', 404, `no client with client_id ${clientId}`);
    },
  };
}
