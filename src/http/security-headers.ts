import type { Middleware } from 'koa';

/**
 * Strict headers on every response (OWASP ASVS V14.4). The CSP is set before the response is
 * built, so oidc-provider can add the hash of its form_post script to script-src. No form-action:
 * browsers apply it to the redirect back to the client after a form post.
 */
export function securityHeaders({ issuer, logoUrl }: { issuer: string; logoUrl?: string }): Middleware {
  const logoOrigin = logoUrl ? ` ${new URL(logoUrl).origin}` : '';
  const csp = [
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", `img-src 'self' data:${logoOrigin}`,
    "base-uri 'none'", "frame-ancestors 'none'",
  ].join('; ');
  const headers = {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
    ...(issuer.startsWith('https://') ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
  };
  return async (ctx, next) => {
    ctx.set(headers);
    await next();
  };
}

/** Lets this response's page show images from one more origin (an organization's logo). */
export function allowImagesFrom(ctx: { response: { get(name: string): string }; set(name: string, value: string): void }, url: string) {
  const csp = ctx.response.get('Content-Security-Policy');
  const { origin } = new URL(url); // scheme://host[:port]: nothing that could end the directive
  if (csp && origin !== 'null') ctx.set('Content-Security-Policy', csp.replace("img-src 'self' data:", `img-src 'self' data: ${origin}`));
}
