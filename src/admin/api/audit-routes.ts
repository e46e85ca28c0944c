import { z } from 'zod';
import type { auditQueries } from '../audit-queries.ts';
import { route } from './route-spec.ts';
import { auditEventView, pageOf, pageQuery } from './schemas.ts';

const tag = 'Audit log';
const filters = {
  action: z.union([z.string().min(1).max(100), z.array(z.string().min(1).max(100)).max(20)]).optional()
    .transform((a) => (a === undefined ? undefined : [a].flat())).describe('An action (sign_in) or a prefix (admin.*); repeatable.'),
  actor: z.string().min(1).max(300).optional().describe('account:<id>, client:<client_id>, cli:<user>, or an account id for security events.'),
  since: z.iso.datetime({ offset: true }).optional().transform((t) => (t ? new Date(t) : undefined)).describe('From this time on (RFC 3339).'),
  until: z.iso.datetime({ offset: true }).optional().transform((t) => (t ? new Date(t) : undefined)).describe('Before this time (RFC 3339).'),
};
const search = ({ action, actor, since, until }: { action?: string[]; actor?: string; since?: Date; until?: Date }) => ({ actions: action, actor, since, until });

export const auditRoutes = (audit: ReturnType<typeof auditQueries>) => [
  route({
    method: 'get', path: '/audit-events', summary: 'Query the audit log, newest first', tag, scope: 'admin:read',
    query: z.strictObject({ ...pageQuery, ...filters }),
    response: { status: 200, schema: pageOf(auditEventView), description: 'A page of audit events with their chain hashes.' },
    handle: async ({ query }) => ({ body: await audit.page(search(query), query) }),
  }),
  route({
    method: 'get', path: '/audit-events/export', summary: 'Export the audit log as NDJSON, oldest first', tag, scope: 'admin:read',
    query: z.strictObject(filters),
    response: { status: 200, schema: auditEventView, ndjson: true, description: 'One audit event per line.' },
    handle: async ({ query }) => ({ ndjson: audit.export(search(query)) }),
  }),
  route({
    method: 'get', path: '/risk-decisions', summary: 'Risk decisions of sign-ins, newest first, with their signals', tag, scope: 'admin:read',
    query: z.strictObject(pageQuery),
    response: { status: 200, schema: pageOf(auditEventView), description: 'Audit events that carry a risk decision.' },
    handle: async ({ query }) => ({ body: await audit.riskDecisions(query) }),
  }),
];
