import type { AuditStore } from './audit-log.ts';

/**
 * Who made an admin change: a person with the admin role (`account:<id>`), an automation client
 * with an admin-scoped token (`client:<client_id>`), an operator at the CLI (`cli:<os user>`), or
 * Gatehouse itself (`system:import` for GATEHOUSE_IMPORT at start).
 */
export type Actor = `account:${string}` | `client:${string}` | `cli:${string}` | `system:${string}`;

/** What changed: the object, and its fields before and after (only those that differ). */
export interface ChangeDetail {
  target: { type: string; id: string };
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

/** Field names whose values never reach the audit log, only the fact that they changed. */
const SECRET_FIELD = /secret|password|hash|token|private|credential|^key$|_key$|^d$|^seed$/i;
export const REDACTED = '[redacted]';

function redact(value: unknown, name = ''): unknown {
  if (SECRET_FIELD.test(name) && value !== undefined && value !== null) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redact(item));
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  }
  return value;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The fields that differ between two versions of an object, secrets redacted at any depth. A
 * creation has only `after`, a deletion only `before`.
 */
export function changeDiff(before?: object, after?: object): Pick<ChangeDetail, 'before' | 'after'> {
  const b = (before ? redact(before) : undefined) as Record<string, unknown> | undefined;
  const a = (after ? redact(after) : undefined) as Record<string, unknown> | undefined;
  if (!b || !a) return { ...(b ? { before: b } : {}), ...(a ? { after: a } : {}) };
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => !same(b[k], a[k]) || (SECRET_FIELD.test(k) && !same((before as Record<string, unknown>)[k], (after as Record<string, unknown>)[k])));
  return {
    before: Object.fromEntries(keys.filter((k) => k in b).map((k) => [k, b[k]])),
    after: Object.fromEntries(keys.filter((k) => k in a).map((k) => [k, a[k]])),
  };
}

export type RecordChange = (actor: Actor, action: string, target: ChangeDetail['target'], before?: object, after?: object) => Promise<void>;

/** Admin changes go to the tamper-evident audit log as `admin.<action>` with a secret-free diff. */
export function createChangeLog(audit: Pick<AuditStore, 'append'>): RecordChange {
  return async (actor, action, target, before, after) => {
    await audit.append({ action: `admin.${action}`, actor, detail: { target, ...changeDiff(before, after) } });
  };
}
