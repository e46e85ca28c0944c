/**
 * A role's permission is global (`read:reports`) or belongs to one audience: a resource server
 * identifier or a client_id. A qualified permission is stored as `<audience> <permission>` (a
 * space cannot occur in either: RFC 6749 §3.3 scope tokens, RFC 8707 URIs, client_ids).
 */
export interface RolePermission {
  permission: string;
  audience?: string;
}

export const encodePermission = ({ permission, audience }: RolePermission) => (audience ? `${audience} ${permission}` : permission);

export function decodePermission(stored: string): RolePermission {
  const space = stored.lastIndexOf(' ');
  return space < 0 ? { permission: stored } : { audience: stored.slice(0, space), permission: stored.slice(space + 1) };
}

/** The permissions released to an audience: the global ones and the audience's own, by name. */
export function permissionsFor(stored: string[], audience: string | undefined): string[] {
  const released = stored.map(decodePermission).filter((p) => !p.audience || p.audience === audience).map((p) => p.permission);
  return [...new Set(released)].sort();
}
