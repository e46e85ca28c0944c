import crypto from 'node:crypto';
import { elements } from './xml.ts';

/**
 * The base64 DER certificates of a role descriptor's KeyDescriptors for this use (a
 * KeyDescriptor without "use" serves both, Metadata §2.4.1.1); each must parse as X.509.
 */
export function descriptorCerts(descriptor: Element, use: 'signing' | 'encryption', invalid: (message: string) => Error): string[] {
  return elements('md:KeyDescriptor', descriptor)
    .filter((k) => !k.getAttribute('use') || k.getAttribute('use') === use)
    .flatMap((k) => elements('ds:KeyInfo/ds:X509Data/ds:X509Certificate', k))
    .map((c) => {
      const body = (c.textContent ?? '').replace(/\s/g, '');
      try {
        new crypto.X509Certificate(Buffer.from(body, 'base64'));
      } catch {
        throw invalid(`a ${use} certificate is not a valid X.509 certificate`);
      }
      return body;
    });
}
