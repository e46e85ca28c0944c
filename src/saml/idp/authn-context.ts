import { ACR } from '../../mfa/acr.ts';

/** SAML authentication context classes for Gatehouse's acr values (SAML AuthnContext §3.4). */
export const PASSWORD_PROTECTED_TRANSPORT = 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport';
/** The REFEDS MFA profile, what SPs ask for when they need two factors. */
export const REFEDS_MFA = 'https://refeds.org/profile/mfa';

/** Classes an SP may ask for, and the acr each needs. Our own acr values are accepted as classes too. */
const NEEDS: Record<string, string> = {
  [PASSWORD_PROTECTED_TRANSPORT]: ACR.password,
  'urn:oasis:names:tc:SAML:2.0:ac:classes:Password': ACR.password,
  'urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified': ACR.password,
  [REFEDS_MFA]: ACR.mfa,
  'urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract': ACR.mfa,
  'urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken': ACR.mfa,
  [ACR.password]: ACR.password,
  [ACR.mfa]: ACR.mfa,
};

/**
 * The acr a RequestedAuthnContext needs (null: nothing requested; undefined: none of its classes
 * is known, answered NoAuthnContext). Every comparison is read as "at least the weakest listed".
 */
export function acrForRequested(classes: string[]): string | undefined | null {
  if (!classes.length) return null;
  const known = classes.map((c) => NEEDS[c]).filter((a): a is string => Boolean(a));
  if (!known.length) return undefined;
  return known.includes(ACR.password) ? ACR.password : ACR.mfa;
}

/** The class to report for a sign-in: the requested one it satisfies, else ours. */
export function classFor(acr: string, requested: string[]): string {
  const satisfied = requested.find((c) => NEEDS[c] && (NEEDS[c] === ACR.password || acr === ACR.mfa));
  return satisfied ?? (acr === ACR.mfa ? REFEDS_MFA : PASSWORD_PROTECTED_TRANSPORT);
}
