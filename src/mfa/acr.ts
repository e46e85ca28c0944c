/**
 * Authentication context classes (OIDC Core §2 acr), weakest first. Documented in README:
 * - password: one factor (a password, an email code or a magic link);
 * - mfa: two factors, or a passkey with user verification (RFC 8176 amr "mfa").
 */
export const ACR = {
  password: 'urn:gatehouse:acr:password',
  mfa: 'urn:gatehouse:acr:mfa',
} as const;

export const ACR_VALUES = [ACR.password, ACR.mfa];

const rank = (acr: unknown) => ACR_VALUES.indexOf(acr as (typeof ACR_VALUES)[number]);

/** Whether a sign-in at `acr` meets any of the requested values (none requested: it does). */
export function meets(acr: unknown, requested: string[]): boolean {
  const known = requested.filter((value) => rank(value) >= 0);
  return known.length === 0 || known.some((value) => rank(acr) >= rank(value));
}

/** The acr a sign-in reached, from its amr (RFC 8176). */
export const acrFor = (amr: string[]) => (amr.includes('mfa') ? ACR.mfa : ACR.password);
