import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { SignedXml } from 'xml-crypto';
import type { SamlCredentials } from './certificate.ts';

export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

/** A certificate's base64 DER as PEM. */
export const pemCertificate = (body: string) => `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;

/** Signs the element with this ID, placing the signature right after its Issuer (Core §5.4.1). */
export function signXml(xml: string, id: string, credentials: SamlCredentials): string {
  const signer = new SignedXml({ privateKey: credentials.key, publicCert: credentials.cert, signatureAlgorithm: RSA_SHA256, canonicalizationAlgorithm: EXC_C14N });
  signer.addReference({
    xpath: `//*[@ID='${id}']`, digestAlgorithm: SHA256, transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', EXC_C14N],
  });
  signer.computeSignature(xml, { prefix: 'ds', location: { reference: `//*[@ID='${id}']/*[local-name(.)='Issuer']`, action: 'after' } });
  return signer.getSignedXml();
}

/**
 * A SAML message in the HTTP-Redirect binding (Bindings §3.4.4): DEFLATE, base64, and an
 * RSA-SHA256 signature over the encoded parameters in their fixed order.
 */
export function redirectUrl(destination: string, param: 'SAMLRequest' | 'SAMLResponse', xml: string, relayState: string | undefined, key: string): string {
  const parts = [`${param}=${encodeURIComponent(zlib.deflateRawSync(xml).toString('base64'))}`];
  if (relayState !== undefined) parts.push(`RelayState=${encodeURIComponent(relayState)}`);
  parts.push(`SigAlg=${encodeURIComponent(RSA_SHA256)}`);
  const signature = crypto.sign('sha256', Buffer.from(parts.join('&')), key).toString('base64');
  return `${destination}${destination.includes('?') ? '&' : '?'}${parts.join('&')}&Signature=${encodeURIComponent(signature)}`;
}
