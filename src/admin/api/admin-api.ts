import { Readable } from 'node:stream';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Context, Middleware } from 'koa';
import type { z } from 'zod';
import { AppError } from '../../app-error.ts';
import { formatPath } from '../../import/import-schema.ts';
import { etagOf } from '../etag.ts';
import { BearerError, type AdminAuthenticator } from './auth.ts';
import { openApiDocument } from './openapi.ts';
import type { AdminCaller, RouteSpec } from './route-spec.ts';

export const ADMIN_API_PREFIX = '/admin/api';

/** `/accounts/{id}` → `/accounts/:id` */
const koaPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

function parsed<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = formatPath(issue.path);
  throw new AppError('invalid_request', 400, `${where}${field ? `.${field}` : ''}: ${issue.message}`);
}

/** Every admin API answer is JSON, errors included, and never cached. */
function sendError(ctx: Context, caught: unknown, onUnexpected: (error: unknown) => void): void {
  const { status, expose, message } = caught as { status?: number; expose?: boolean; message?: string };
  let error: AppError;
  if (caught instanceof AppError) error = caught;
  else if (typeof status === 'number' && status >= 400 && status < 500) {
    error = new AppError(status === 405 ? 'method_not_allowed' : status === 415 ? 'unsupported_media_type' : 'invalid_request', status, expose && message ? message : 'The request is malformed.');
  } else {
    onUnexpected(caught);
    error = new AppError('server_error', 500, 'Something went wrong on our side.');
  }
  ctx.status = error.status;
  if (error instanceof BearerError) ctx.set('WWW-Authenticate', error.challenge);
  if (error.retryAfter) ctx.set('Retry-After', String(error.retryAfter));
  ctx.body = { error: error.code, error_description: error.expose ? error.userMessage : 'The request could not be completed.' };
}

interface Deps {
  routes: RouteSpec[];
  authenticate: AdminAuthenticator;
  issuer: string;
  onUnexpected: (error: unknown) => void;
}

/**
 * The admin API under /admin/api/v1, and its OpenAPI 3.1 document at /admin/api/openapi.json,
 * both from one route table: each request is authenticated, its parameters, query and body
 * validated by the route's schemas, updates checked with If-Match.
 */
export function createAdminApi({ routes, authenticate, issuer, onUnexpected }: Deps): Middleware {
  const router = new Router({ prefix: ADMIN_API_PREFIX });
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: '1mb', encoding: 'utf-8' });
  const document = JSON.stringify(openApiDocument(routes, issuer));
  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = document;
  });

  for (const spec of routes) {
    router[spec.method](`/v1${koaPath(spec.path)}`, async (ctx, next) => {
      ctx.state.caller = await authenticate(ctx, spec.scope);
      if (spec.body && !ctx.is('application/json')) throw new AppError('unsupported_media_type', 415, 'The body must be JSON (Content-Type: application/json).');
      await next();
    }, json, async (ctx) => {
      const caller = ctx.state.caller as AdminCaller;
      const ifMatch = ctx.get('if-match') || undefined;
      // RFC 6585 §3: updates say which version they change, so none overwrites another unseen
      if (spec.ifMatch === 'required' && !ifMatch) throw new AppError('precondition_required', 428, 'Send If-Match with the ETag of the version you read.');
      const result = await spec.handle({
        params: parsed(spec.params, ctx.params, 'path'),
        query: parsed(spec.query, ctx.query, 'query'),
        body: parsed(spec.body, (ctx.request as { body?: unknown }).body, 'body'),
        caller,
        ifMatch,
      });
      ctx.status = result.status ?? spec.response.status;
      if (result.version) ctx.set('ETag', etagOf(result.version));
      if (result.location) ctx.set('Location', `${issuer}${ADMIN_API_PREFIX}/v1${result.location}`);
      if (result.ndjson) {
        ctx.type = 'application/x-ndjson';
        ctx.body = Readable.from((async function* lines() {
          for await (const item of result.ndjson!) yield `${JSON.stringify(item)}\n`;
        })());
      } else if (result.body !== undefined) ctx.body = result.body;
    });
  }

  const matched = router.routes() as unknown as Middleware;
  const methods = router.allowedMethods({ throw: true }) as unknown as Middleware;
  return async (ctx, next) => {
    if (ctx.path !== ADMIN_API_PREFIX && !ctx.path.startsWith(`${ADMIN_API_PREFIX}/`)) return next();
    ctx.set('Cache-Control', 'no-store');
    try {
      await matched(ctx, () => methods(ctx, async () => {}));
      if (ctx.status === 404 && ctx.body === undefined) throw new AppError('not_found', 404, `There is no admin API route ${ctx.method} ${ctx.path}.`);
    } catch (caught) {
      sendError(ctx, caught, onUnexpected);
    }
  };
}
