import { errors } from 'oidc-provider';
import { describeFinding, lintClient } from '../clients/client-lint.ts';
import type { ClientMetadata } from '../clients/client-store.ts';

/** The policy every initial access token carries, so registrations and their updates obey it. */
export const REGISTRATION_POLICY = 'gatehouse';

/**
 * Dynamic registration (RFC 7591) gets the same RFC 9700 lint as every other way of creating a
 * client, and a client cannot make itself first party (skipping consent) by registering.
 */
export async function registrationPolicy(_ctx: unknown, metadata: Record<string, unknown>): Promise<void> {
  if (metadata.first_party !== undefined) {
    throw new errors.InvalidClientMetadata('first_party cannot be set through dynamic registration');
  }
  const problems = lintClient(metadata as ClientMetadata).filter((f) => f.level === 'error').map(describeFinding);
  if (problems.length) throw new errors.InvalidClientMetadata(problems.join('; '));
}
