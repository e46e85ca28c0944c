/**
 * An error with a stable code, the HTTP status it maps to, and whether its message is safe to show.
 * One handler (src/http/errors.ts) renders it: HTML for browsers, JSON for APIs.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;
  /** Seconds the client should wait before retrying (sent as Retry-After). */
  readonly retryAfter?: number;

  constructor(code: string, status: number, message: string, options: { expose?: boolean; retryAfter?: number } = {}) {
    super(message);
    this.code = code;
    this.status = status;
    this.expose = options.expose ?? status < 500;
    this.retryAfter = options.retryAfter;
  }

  /** What a person is shown. */
  get userMessage(): string {
    return this.message;
  }
}

/**
 * A dependency (PostgreSQL, Redis) cannot be reached: 503, try again shortly. Shaped for
 * oidc-provider's error handler too, which answers `error` = message and `error_description`.
 */
export class Unavailable extends AppError {
  readonly statusCode = 503;
  readonly error_description: string;

  constructor(dependency: string, options: { cause?: unknown } = {}) {
    super('temporarily_unavailable', 503, 'temporarily_unavailable', { expose: true, retryAfter: 5 });
    this.cause = options.cause;
    this.error_description = `${dependency} cannot be reached right now. Try again in a moment.`;
  }

  override get userMessage(): string {
    return this.error_description;
  }
}
