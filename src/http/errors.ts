import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { AppError } from '../app-error.ts';
import type { Render } from './views.ts';

/**
 * The one error handler for Gatehouse's own routes: AppError keeps its status and message;
 * anything else is a 500 with nothing of the internals shown. HTML for browsers, JSON for APIs.
 */
export function errorHandler(render: Render, log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      // oidc-provider answers storage outages itself; say when to come back (RFC 9110 §10.2.3)
      if (ctx.status === 503 && !ctx.response.get('Retry-After')) ctx.set('Retry-After', '5');
    } catch (caught) {
      const known = caught instanceof AppError ? caught : httpError(caught);
      const error = known ?? new AppError('server_error', 500, 'Something went wrong on our side.', { expose: true });
      if (!known) log.error({ err: caught, path: ctx.path }, 'unhandled error');
      ctx.status = error.status;
      if (error.retryAfter) ctx.set('Retry-After', String(error.retryAfter));
      const message = error.expose ? error.userMessage : 'The request could not be completed.';
      if (ctx.accepts('html', 'json') === 'json') {
        ctx.body = { error: error.code, error_description: message };
      } else {
        ctx.type = 'html';
        ctx.body = render('error', { message, code: error.code });
      }
    }
  };
}

/** Errors koa and its middleware raise with a status (a body too large, a malformed form). */
function httpError(caught: unknown): AppError | undefined {
  const { status, expose, message } = caught as { status?: number; expose?: boolean; message?: string };
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  return new AppError('bad_request', status, expose && message ? message : 'The request is malformed.');
}
