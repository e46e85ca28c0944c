import { z } from 'zod';

/** `?cursor=…&limit=…` on every list. */
export const pageQuery = {
  cursor: z.string().min(1).max(500).optional().describe('The next_cursor of the previous page.'),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Items per page (1–200, default 50).'),
};

export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), next_cursor: z.string().nullable() });

export const accountView = z.object({
  id: z.uuid(), email: z.string(), name: z.string().nullable(), email_verified: z.boolean(), roles: z.array(z.string()),
  disabled: z.boolean(), has_password: z.boolean(), created_at: z.string(), updated_at: z.string(),
});

export const sessionView = z.object({ id: z.string(), login_at: z.string(), expires_at: z.string() });

export const clientView = z.looseObject({ client_id: z.string(), has_secret: z.boolean() });

export const serviceProviderView = z.object({
  entity_id: z.string(), acs_urls: z.array(z.string()), has_encryption_certificate: z.boolean(),
  settings: z.record(z.string(), z.unknown()), metadata: z.string(),
});

export const upstreamView = z.looseObject({ id: z.string(), kind: z.enum(['oidc', 'saml']), displayName: z.string() });

export const roleView = z.object({
  name: z.string(), description: z.string().nullable(),
  permissions: z.array(z.union([z.string(), z.object({ permission: z.string(), audience: z.string() })])),
});

export const keyView = z.object({
  kid: z.string(), alg: z.string(), created_at: z.string(), state: z.enum(['signing', 'retired']),
  retired_at: z.string().nullable(), published_until: z.string().nullable(),
});

export const auditEventView = z.object({
  seq: z.number().int(), at: z.string(), action: z.string(), actor: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()), prev_hash: z.string(), hash: z.string(),
});
