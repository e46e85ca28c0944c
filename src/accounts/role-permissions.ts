/**
 * A role's permission is global (`read:reports`) or belongs to one audience: a resource server
 * identifier or a client_id (`{ permission: 'export:reports', audience: 'https://reports.example' }`).
 */
export type Permission = string | { permission: string; audience: string };

/**
 * How a permission is stored: the name, or `<audience> <name>` for a qualified one (a space cannot
 * occur in either: RFC 6749 §3.3 scope-like names, RFC 8707 URIs, client_ids).
 */
export const encodePermission = (p: Permission) => (typeof p === 'string' ? p : `${p.audience} ${p.permission}`);

export function decodePermission(stored: string): Permission {
  const space = stored.lastIndexOf(' ');
  return space < 0 ? stored : { audience: stored.slice(0, space), permission: stored.slice(space + 1) };
}

/** Without repeats, in a stable order (by stored form), so equal sets compare equal. */
export const normalizePermissions = (permissions: Permission[]): Permission[] =>
  [...new Map(permissions.map((p) => [encodePermission(p), p])).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);

/** The permissions released to an audience: the global ones and the audience's own, by name. */
export function permissionsFor(granted: Permission[], audience: string | undefined): string[] {
  const released = granted.flatMap((p) => (typeof p === 'string' ? [p] : p.audience === audience ? [p.permission] : []));
  return [...new Set(released)].sort();
}
