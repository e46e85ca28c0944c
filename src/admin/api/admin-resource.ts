/** The admin API is a resource server of Gatehouse itself (RFC 8707), with two scopes. */
export const ADMIN_SCOPES = ['admin:read', 'admin:write'] as const;
export type AdminScope = (typeof ADMIN_SCOPES)[number];

/** The admin API's resource indicator, the audience of its access tokens. */
export const adminResource = (issuer: string) => `${issuer}/admin/api`;

/** Admin tokens are short-lived and opaque, so revoking one (or its client) takes effect at once. */
export const ADMIN_TOKEN_TTL_SECONDS = 600;

/** The admin scopes a client's registered `scope` grants it; none unless listed there. */
export const adminScopesOf = (clientScope: string | undefined): AdminScope[] =>
  ADMIN_SCOPES.filter((scope) => (clientScope ?? '').split(' ').includes(scope));
