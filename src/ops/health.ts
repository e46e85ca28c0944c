import Router from '@koa/router';
import { SignJWT, importJWK, type JWK } from 'jose';

const CHECK_TIMEOUT_MS = 2000;

export interface HealthDeps {
  /** Round trips to PostgreSQL and (when configured) Redis. */
  checks: Record<string, () => Promise<void>>;
  /** The private signing keys in use (they can change while running). */
  signingKeys: () => JWK[];
}

/**
 * Probes for orchestrators. Liveness: the process answers. Readiness: every dependency answers
 * and every signing key signs, each within a bound, so a hung dependency makes the probe fail
 * rather than hang.
 */
export function createHealthRouter({ checks, signingKeys }: HealthDeps): Router {
  const all: Record<string, () => Promise<void>> = {
    ...checks,
    keys: async () => {
      for (const jwk of signingKeys()) await new SignJWT({}).setProtectedHeader({ alg: jwk.alg! }).sign(await importJWK(jwk, jwk.alg));
    },
  };
  const router = new Router({ prefix: '/health' });
  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });
  router.get('/live', (ctx) => {
    ctx.body = { status: 'live' };
  });
  router.get('/ready', async (ctx) => {
    const results = Object.fromEntries(await Promise.all(Object.entries(all).map(async ([name, check]) => [name, await bounded(check)])));
    const ready = Object.values(results).every((r) => r === 'ok');
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'unavailable', checks: results };
  });
  return router;
}

async function bounded(check: () => Promise<void>): Promise<'ok' | 'failing' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), CHECK_TIMEOUT_MS)));
  try {
    return await Promise.race([check().then(() => 'ok' as const, () => 'failing' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
