import { errors, type Client, type KoaContextWithOIDC } from 'oidc-provider';

interface PresentedToken { clientId?: string; aud?: string | string[] }

/**
 * RFC 7662 §4: a client learns about a token only when it was issued to that client or names
 * the client in its audience (a resource server registered as a client).
 */
export async function introspectionAllowed(_ctx: KoaContextWithOIDC, client: Client, token: PresentedToken): Promise<boolean> {
  if (token.clientId === client.clientId) return true;
  const audience = Array.isArray(token.aud) ? token.aud : token.aud ? [token.aud] : [];
  return audience.includes(client.clientId);
}

/** RFC 7009 §2.1: a client revokes only tokens issued to it. */
export async function revocationAllowed(_ctx: KoaContextWithOIDC, client: Client, token: PresentedToken): Promise<boolean> {
  if (token.clientId === client.clientId) return true;
  if (client.clientAuthMethod === 'none') return false;
  throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
}
