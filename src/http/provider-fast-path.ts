import type { Middleware } from 'koa';

// oidc-provider's machine-to-machine endpoints (its default routes): none of Gatehouse's own
// routers, the admin API or the metadata cache answers on these paths.
const PROVIDER_ONLY = new Set(['/token', '/token/introspection', '/token/revocation', '/me', '/request']);

/**
 * Hands requests for the token, introspection, revocation, userinfo and PAR endpoints straight
 * to the authorization server, past the routers (each of which would match the path against
 * its routes first). Placed after the request log, security headers and error handler, which
 * these requests keep.
 */
export function providerFastPath(provider: Middleware): Middleware {
  const last = async () => {}; // the provider is the chain's last middleware either way
  return (ctx, next) => (PROVIDER_ONLY.has(ctx.path) ? provider(ctx, last) : next());
}
