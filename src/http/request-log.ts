import crypto from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { Histogram } from 'prom-client';

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A request id (the caller's X-Request-Id when it is sane, else a new one) echoed in the response,
 * one log line per request (method, route, status, duration) and its duration in the histogram.
 * Paths are logged as their route pattern where there is one and never with their query, which
 * can carry codes and tokens; the histogram's route label is the pattern or "unmatched".
 */
export function requestLog(log: Logger, duration: Histogram<'method' | 'route' | 'status'>): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get('X-Request-Id');
    const id = INCOMING_ID.test(incoming) ? incoming : crypto.randomUUID();
    ctx.state.requestId = id;
    ctx.set('X-Request-Id', id);
    const started = process.hrtime.bigint();
    const path = ctx.path;
    try {
      await next();
    } finally {
      const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      const route = typeof matched === 'string' ? matched : undefined;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      duration.observe({ method: ctx.method, route: route ?? 'unmatched', status: String(ctx.status) }, seconds);
      if (log.isLevelEnabled('info')) log.info({ reqId: id, method: ctx.method, route: route ?? routeOf(path), status: ctx.status, durationMs: seconds * 1000 }, 'request');
    }
  };
}

/** A path with its opaque identifiers (interaction uids and the like: long, with digits or capitals) replaced. */
const routeOf = (path: string) =>
  path.replace(/\/([A-Za-z0-9_-]{20,})(?=\/|$)/g, (segment, id: string) => (/[0-9A-Z]/.test(id) ? '/:id' : segment));
