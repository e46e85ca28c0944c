import type { ApiKey } from './api-key.ts';

/**
 * The OAuth client an API key is: client_credentials only (RFC 6749 §4.4), no redirect URIs,
 * HTTP Basic authentication (RFC 6749 §2.3.1, the method every server must support). Its
 * client_secret is the stored hash; presented keys are hashed before oidc-provider compares
 * them (secret-hashing.ts), so the plaintext is never needed and the hash alone is worthless.
 * Its scopes are resource scopes, enforced with its resource (src/provider/resources.ts).
 */
export function apiKeyClient(key: ApiKey): Record<string, unknown> & { client_id: string } {
  return {
    client_id: key.id,
    client_secret: key.secretHash,
    client_secret_expires_at: key.expiresAt ? Math.floor(key.expiresAt.getTime() / 1000) : 0,
    client_name: key.name,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}
