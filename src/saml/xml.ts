import { DOMParser } from '@xmldom/xmldom';
import xpath from 'xpath';
import { AppError } from '../app-error.ts';

export const NS = {
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  xenc: 'http://www.w3.org/2001/04/xmlenc#',
} as const;

export const BINDING = {
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
} as const;

export const select = xpath.useNamespaces(NS);

/** Nodes an XPath expression selects, as elements. */
export const elements = (expression: string, node: Node) => select(expression, node) as Element[];

/**
 * Parses untrusted XML. A document type declaration is refused outright: it is how entity
 * expansion and external entities (XXE) get in, and no SAML message needs one.
 */
export function parseXml(text: string, what: string): Document {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new AppError('invalid_xml', 400, `${what} must not contain a document type declaration`);
  const problems: string[] = [];
  let document;
  try {
    document = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') problems.push(message);
      },
    }).parseFromString(text, 'text/xml');
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length || !document?.documentElement) {
    throw new AppError('invalid_xml', 400, `${what} is not well-formed XML${problems[0] ? `: ${problems[0].split('\n')[0]}` : ''}`);
  }
  return document as unknown as Document;
}
