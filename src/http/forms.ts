import type { Context } from 'koa';
import { AppError } from '../app-error.ts';

/** A form's text fields: a missing or non-text field reads as ''. */
export function formFields(ctx: Context): (name: string) => string {
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  return (name) => (typeof body[name] === 'string' ? (body[name] as string) : '');
}

/**
 * A refusal shown on the form that caused it: its status (and Retry-After) on the response, its
 * message for the page. Server errors, CSRF failures and the codes in `passOn` go on to the one
 * error handler instead.
 */
export function refusal(ctx: Context, error: unknown, passOn: string[] = []): string {
  if (!(error instanceof AppError) || error.status >= 500 || error.code === 'csrf' || passOn.includes(error.code)) throw error;
  ctx.status = error.status;
  if (error.retryAfter) ctx.set('Retry-After', String(error.retryAfter));
  return error.userMessage;
}
