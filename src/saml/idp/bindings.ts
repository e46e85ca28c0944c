import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { SignedXml } from 'xml-crypto';
import { elements, parseXml } from '../xml.ts';
import { refused } from './authn-request.ts';
import { pemCertificate } from '../sign.ts';

/** A SAML message as received, and how to check its signature with an SP's certificates. */
export interface Incoming {
  xml: string;
  relayState?: string;
  /** true: signed by one of these; false: signed, but not by them; undefined: not signed. */
  verify: (certs: string[]) => boolean | undefined;
}

type Param = 'SAMLRequest' | 'SAMLResponse';

const MAX_XML_BYTES = 64 * 1024;


/** RFC 6931 signature algorithms accepted on requests: no SHA-1. */
const SIG_ALGS: Record<string, string> = {
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': 'sha512',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256': 'sha256',
};


/** HTTP-Redirect binding (SAML Bindings §3.4): DEFLATE + base64 in the query, signed over the raw query. */
export function fromRedirect(rawQuery: string, param: Param = 'SAMLRequest'): Incoming {
  const raw = new Map(rawQuery.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    return eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
  }));
  const value = (name: string) => (raw.has(name) ? decodeURIComponent(raw.get(name)!.replace(/\+/g, ' ')) : undefined);
  const encoded = value(param);
  if (!encoded) throw refused(`${param} is missing`);
  let xml: string;
  try {
    xml = zlib.inflateRawSync(Buffer.from(encoded, 'base64'), { maxOutputLength: MAX_XML_BYTES }).toString('utf8');
  } catch {
    throw refused(`${param} is not DEFLATE-compressed base64 (or is too large)`);
  }
  const sigAlg = value('SigAlg');
  const signature = value('Signature');
  return {
    xml,
    relayState: value('RelayState'),
    // §3.4.4.1: the signature covers SAMLRequest, RelayState and SigAlg exactly as they were encoded
    verify: (certs) => {
      if (!signature || !sigAlg) return undefined;
      const hash = SIG_ALGS[sigAlg];
      if (!hash) throw refused(`the signature algorithm ${sigAlg} is not accepted`);
      const signed = [param, 'RelayState', 'SigAlg'].filter((n) => raw.has(n)).map((n) => `${n}=${raw.get(n)}`).join('&');
      return certs.some((cert) => crypto.verify(hash, Buffer.from(signed), pemCertificate(cert), Buffer.from(signature, 'base64')));
    },
  };
}

/** HTTP-POST binding (SAML Bindings §3.5): base64 XML in a form, signed inside (enveloped). */
export function fromPost(body: Record<string, unknown>, param: Param = 'SAMLRequest'): Incoming {
  const encoded = body[param];
  if (typeof encoded !== 'string' || !encoded) throw refused(`${param} is missing`);
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length > MAX_XML_BYTES) throw refused(`${param} is too large`);
  // The binding sends plain XML; some SP libraries (node-saml by default) DEFLATE it anyway.
  let xml = bytes.toString('utf8');
  if (!xml.trimStart().startsWith('<')) {
    try {
      xml = zlib.inflateRawSync(bytes, { maxOutputLength: MAX_XML_BYTES }).toString('utf8');
    } catch {
      throw refused(`${param} is neither XML nor DEFLATE-compressed XML`);
    }
  }
  return { xml, relayState: typeof body.RelayState === 'string' ? body.RelayState : undefined, verify: (certs) => verifyEnveloped(xml, certs) };
}

/**
 * Checks the one enveloped signature of the request's root element, with the SP's metadata
 * certificates only (never a key carried in the message), exclusive c14n, no SHA-1.
 */
function verifyEnveloped(xml: string, certs: string[]): boolean | undefined {
  const document = parseXml(xml, 'the SAML message');
  const root = document.documentElement;
  const signatures = elements('ds:Signature', root);
  if (!signatures.length) return undefined;
  if (signatures.length > 1 || elements('//ds:Signature', document).length > 1) throw refused('the message carries more than one signature');
  return certs.some((cert) => {
    const verifier = new SignedXml({ publicCert: pemCertificate(cert), getCertFromKeyInfo: () => null });
    verifier.loadSignature(signatures[0]!);
    try {
      if (!verifier.checkSignature(xml)) return false;
    } catch {
      return false;
    }
    // the signature must cover the root itself (by its ID), not some other element (XSW)
    const [reference, ...others] = verifier.getReferences();
    const id = root.getAttribute('ID');
    return !others.length && Boolean(id) && reference?.uri === `#${id}`
      && !String(verifier.signatureAlgorithm).endsWith('sha1') && !String(reference.digestAlgorithm).endsWith('sha1');
  });
}

