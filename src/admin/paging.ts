import { AppError } from '../app-error.ts';

/** One page of a list, and the cursor of the next page when there is one. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface PageRequest {
  /** The opaque cursor of a previous page. */
  cursor?: string;
  limit: number;
}

/** A cursor carries the sort key of the last item seen, opaque to callers. */
export const encodeCursor = (key: string | number): string => Buffer.from(JSON.stringify([key])).toString('base64url');

export function decodeCursor(cursor: string): string | number {
  try {
    const [key] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (typeof key === 'string' || typeof key === 'number') return key;
  } catch {
    // falls through
  }
  throw new AppError('invalid_request', 400, 'cursor: is not a cursor this API gave out');
}

/**
 * Keyset pagination over a small list already in memory (clients, SAML SPs, upstreams, roles):
 * sorted by a unique key, a page starts after the cursor's key.
 */
export function pageOf<T>(all: T[], keyOf: (item: T) => string, { cursor, limit }: PageRequest): Page<T> {
  const after = cursor === undefined ? undefined : String(decodeCursor(cursor));
  const sorted = [...all].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const rest = after === undefined ? sorted : sorted.filter((item) => keyOf(item) > after);
  return pageFrom(rest, limit, keyOf);
}

/** A page from items fetched with one extra (limit + 1): the extra one says whether more follow. */
export function pageFrom<T>(fetched: T[], limit: number, keyOf: (item: T) => string | number): Page<T> {
  const items = fetched.slice(0, limit);
  return { items, next_cursor: fetched.length > limit ? encodeCursor(keyOf(items.at(-1)!)) : null };
}
