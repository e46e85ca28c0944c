import type { Middleware } from 'koa';

const CACHED = new Set(['/.well-known/openid-configuration', '/jwks']);

interface Stored { status: number; type: string; body: unknown; headers: Record<string, string> }

/**
 * Discovery and the JWKS change only when the keys do, so their answers are kept and served
 * without running the authorization server (and marked cacheable for clients). `forget` is
 * called when the keys change.
 */
export function metadataCache(): { middleware: Middleware; forget(): void } {
  const stored = new Map<string, Stored>();
  const middleware: Middleware = async (ctx, next) => {
    if (ctx.method !== 'GET' || !CACHED.has(ctx.path)) return next();
    const hit = stored.get(ctx.path);
    if (hit) {
      (ctx as { _matchedRoute?: string })._matchedRoute = ctx.path; // a fixed path: a bounded metrics label
      ctx.status = hit.status;
      ctx.set(hit.headers);
      ctx.type = hit.type;
      ctx.body = hit.body;
      return;
    }
    await next();
    if (ctx.status !== 200) return;
    ctx.set('Cache-Control', 'public, max-age=300');
    const headers: Record<string, string> = {};
    for (const name of ['cache-control', 'access-control-allow-origin']) {
      const value = ctx.response.get(name);
      if (value) headers[name] = value;
    }
    stored.set(ctx.path, { status: 200, type: ctx.type, body: ctx.body, headers });
  };
  return { middleware, forget: () => stored.clear() };
}
