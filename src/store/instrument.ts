import { Unavailable } from '../app-error.ts';

export type Observe = (backend: 'postgres' | 'redis', operation: string, seconds: number) => void;

// Errors that mean the server cannot be reached or went away, not that a query was wrong.
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P02', '57P03']);
const CONNECTION_MESSAGES = /Connection (is closed|terminated)|Stream isn't writeable|Command timed out|MaxRetriesPerRequest|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED|Reached the max retries/i;

export function isConnectionError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08'))) || CONNECTION_MESSAGES.test(message ?? '');
}

/**
 * Wraps every method of a storage object: its latency is observed, and losing the connection
 * becomes a 503 Unavailable (fail fast, retry later) instead of an internal error.
 */
export function instrument<T extends object>(target: T, backend: 'postgres' | 'redis', name: string, observe: Observe): T {
  const dependency = backend === 'postgres' ? 'PostgreSQL' : 'Redis';
  const wrapped = {} as Record<string, unknown>;
  for (const [key, value] of Object.entries(target)) {
    if (typeof value !== 'function') {
      wrapped[key] = value;
      continue;
    }
    wrapped[key] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await value.apply(target, args);
      } catch (error) {
        throw isConnectionError(error) ? new Unavailable(dependency, { cause: error }) : error;
      } finally {
        observe(backend, `${name}.${key}`, (performance.now() - started) / 1000);
      }
    };
  }
  return wrapped as T;
}
