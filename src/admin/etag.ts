import crypto from 'node:crypto';
import { AppError } from '../app-error.ts';
import { canonical } from '../audit/audit-chain.ts';

/** A strong entity tag over an object's canonical JSON: any change to it gives another tag. */
export const etagOf = (representation: object): string =>
  `"${crypto.createHash('sha256').update(canonical(representation)).digest('base64url').slice(0, 27)}"`;

/**
 * RFC 9110 §13.1.1: an update applies only while the object is still the version the caller
 * read, so no concurrent change is lost (412 otherwise). `*` matches any current version.
 */
export function checkIfMatch(ifMatch: string | undefined, representation: object): void {
  if (ifMatch === undefined) return;
  const current = etagOf(representation);
  const tags = ifMatch.split(',').map((tag) => tag.trim());
  if (!tags.includes('*') && !tags.includes(current)) {
    throw new AppError('precondition_failed', 412, 'The object changed since you read it (its ETag no longer matches If-Match); read it again and reapply your change.');
  }
}
