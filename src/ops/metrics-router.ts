import crypto from 'node:crypto';
import Router from '@koa/router';
import type { Registry } from 'prom-client';

/** Prometheus metrics at /metrics, behind a bearer token when one is configured. */
export function createMetricsRouter(registry: Registry, token?: string): Router {
  const expected = token ? crypto.createHash('sha256').update(token).digest() : undefined;
  const router = new Router();
  router.get('/metrics', async (ctx) => {
    if (expected) {
      const given = /^Bearer (.+)$/.exec(ctx.get('Authorization'))?.[1] ?? '';
      // hashes have equal length, so the comparison is constant-time whatever was sent
      if (!crypto.timingSafeEqual(crypto.createHash('sha256').update(given).digest(), expected)) {
        ctx.status = 401;
        ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
        ctx.body = { error: 'invalid_token', error_description: 'metrics need the configured bearer token' };
        return;
      }
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  });
  return router;
}
