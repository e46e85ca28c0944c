import type { Middleware } from 'koa';
import { hashApiKeySecret, isApiKeyId } from './api-key.ts';

// RFC 6749 §2.3.1: client_id and client_secret are form-encoded before Basic encoding.
const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, '%20'));

/**
 * Runs before oidc-provider: when an API key authenticates with HTTP Basic (RFC 6749 §2.3.1), its
 * secret is replaced by the secret's SHA-256, which is what its client_secret holds, so
 * oidc-provider's own constant-time comparison decides. Every presented value is hashed, so the
 * stored hash, if it ever leaked, does not authenticate.
 */
export const hashApiKeySecrets: Middleware = async (ctx, next) => {
  const header = ctx.get('authorization');
  const [scheme, token] = header.split(' ');
  if (scheme?.toLowerCase() === 'basic' && token) {
    const basic = Buffer.from(token, 'base64').toString('utf8');
    const colon = basic.indexOf(':');
    if (colon > 0) {
      let clientId: string | undefined;
      let secret: string | undefined;
      try {
        clientId = formDecode(basic.slice(0, colon));
        secret = formDecode(basic.slice(colon + 1));
      } catch {
        // not form-encoded properly: oidc-provider answers it
      }
      if (isApiKeyId(clientId) && secret !== undefined) {
        // the hash is base64url and the id [a-z0-9_], both unreserved: no encoding needed
        ctx.request.headers.authorization = `Basic ${Buffer.from(`${clientId}:${hashApiKeySecret(secret)}`).toString('base64')}`;
      }
    }
  }
  await next();
};
