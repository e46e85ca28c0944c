import type { z } from 'zod';
import type { Actor } from '../../audit/changes.ts';
import type { AdminScope } from './admin-resource.ts';

/** Who calls the admin API: the actor changes are recorded under, and the admin scopes it holds. */
export interface AdminCaller {
  actor: Actor;
  scopes: ReadonlySet<AdminScope>;
}

/** What a handler answers: a body (JSON), a stream of objects (NDJSON), or nothing (204). */
export interface RouteResult {
  status?: number;
  body?: unknown;
  /** The representation whose ETag is sent (RFC 9110 §8.8.3), so callers can update it with If-Match. */
  version?: object;
  ndjson?: AsyncIterable<object>;
  location?: string;
}

type Schema = z.ZodType;
type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

/**
 * One admin API route: the same definition validates requests, documents the route in the
 * OpenAPI document and mounts it, so the two cannot drift apart.
 */
export interface RouteSpec<P = Schema | undefined, Q = Schema | undefined, B = Schema | undefined> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI style, relative to /admin/api/v1: `/accounts/{id}`. */
  path: string;
  summary: string;
  tag: string;
  scope: AdminScope;
  params?: P;
  query?: Q;
  body?: B;
  /** If-Match: required on updates (428 without it), optional on deletes. */
  ifMatch?: 'required' | 'optional';
  /** The success status and what it carries, for the document. */
  response: { status: number; schema?: Schema; ndjson?: boolean; description: string };
  handle(input: { params: Infer<P>; query: Infer<Q>; body: Infer<B>; caller: AdminCaller; ifMatch?: string }): Promise<RouteResult>;
}

/** Keeps each route's input types tied to its schemas. */
export const route = <P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined>(spec: RouteSpec<P, Q, B>) =>
  spec as unknown as RouteSpec;

/** A PATCH body must change something. */
export const someChange = (body: Record<string, unknown>) => Object.keys(body).length > 0;
export const SOME_CHANGE = 'give at least one field to change';
