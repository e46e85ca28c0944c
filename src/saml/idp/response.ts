import crypto from 'node:crypto';
import { promisify } from 'node:util';
import xmlenc from 'xml-encryption';
import { create } from 'xmlbuilder2';
import type { SamlCredentials } from '../certificate.ts';
import type { ServiceProvider } from '../service-provider.ts';
import { NS } from '../xml.ts';
import { pemCertificate, signXml } from '../sign.ts';

const encrypt = promisify(xmlenc.encrypt) as (content: string, options: xmlenc.EncryptOptions) => Promise<string>;

export const STATUS = {
  success: 'urn:oasis:names:tc:SAML:2.0:status:Success',
  requester: 'urn:oasis:names:tc:SAML:2.0:status:Requester',
  responder: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
  noPassive: 'urn:oasis:names:tc:SAML:2.0:status:NoPassive',
  noAuthnContext: 'urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext',
  invalidNameIdPolicy: 'urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy',
  authnFailed: 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed',
  requestDenied: 'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
} as const;

/** Who signed in and how, as the assertion states it. */
export interface Subject {
  nameId: string;
  nameIdFormat: string;
  attributes: Record<string, string[]>;
  authnInstant: Date;
  sessionIndex: string;
  authnContextClass: string;
}

export interface ResponseInput {
  idp: { entityId: string; credentials: SamlCredentials };
  sp: ServiceProvider;
  acsUrl: string;
  inResponseTo?: string;
  /** A successful sign-in, or the status codes of a refusal (top-level, then second-level). */
  outcome: { subject: Subject } | { status: [string, string?]; message?: string };
  now?: Date;
}

/** An assertion is good for this long (Conditions and SubjectConfirmationData). */
const VALID_SECONDS = 300;
const CLOCK_SKEW_SECONDS = 60;

export const newId = () => `_${crypto.randomBytes(20).toString('hex')}`;
export const instant = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A SAML Response (Core §3.2.2, Profiles §4.1.4.2): a bearer assertion for the SP's audience and
 * ACS, signed (RSA-SHA256, exclusive c14n) as the SP's settings ask, its assertion encrypted
 * (AES-256-GCM, RSA-OAEP) for SPs that have an encryption certificate and want it.
 */
export async function buildResponse({ idp, sp, acsUrl, inResponseTo, outcome, now = new Date() }: ResponseInput): Promise<string> {
  const responseId = newId();
  const response = create({ version: '1.0', encoding: 'UTF-8' }).ele(NS.samlp, 'samlp:Response', {
    ID: responseId, Version: '2.0', IssueInstant: instant(now), Destination: acsUrl, ...(inResponseTo ? { InResponseTo: inResponseTo } : {}),
  }).att('http://www.w3.org/2000/xmlns/', 'xmlns:saml', NS.saml);
  response.ele(NS.saml, 'saml:Issuer').txt(idp.entityId);
  const status = response.ele(NS.samlp, 'samlp:Status');
  if (!('subject' in outcome)) {
    const [top, second] = outcome.status;
    const code = status.ele(NS.samlp, 'samlp:StatusCode', { Value: top });
    if (second) code.ele(NS.samlp, 'samlp:StatusCode', { Value: second });
    if (outcome.message) status.ele(NS.samlp, 'samlp:StatusMessage').txt(outcome.message);
    return signXml(response.end(), responseId, idp.credentials);
  }
  status.ele(NS.samlp, 'samlp:StatusCode', { Value: STATUS.success });

  const assertionId = newId();
  let assertion = assertionXml({ id: assertionId, idp: idp.entityId, sp: sp.entityId, acsUrl, inResponseTo, subject: outcome.subject, now });
  if (sp.settings.signAssertion) assertion = signXml(assertion, assertionId, idp.credentials);
  if (sp.settings.encryptAssertion) {
    const cert = pemCertificate(sp.metadata.encryptionCerts[0]!);
    const encrypted = await encrypt(assertion, {
      rsa_pub: new crypto.X509Certificate(cert).publicKey.export({ type: 'spki', format: 'pem' }) as string, pem: cert,
      encryptionAlgorithm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm', keyEncryptionAlgorithm: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
      disallowEncryptionWithInsecureAlgorithm: true, warnInsecureAlgorithm: false,
    });
    assertion = `<saml:EncryptedAssertion xmlns:saml="${NS.saml}">${encrypted}</saml:EncryptedAssertion>`;
  }
  const xml = response.end().replace(/<\/samlp:Response>\s*$/, `${assertion}</samlp:Response>`);
  return sp.settings.signResponse ? signXml(xml, responseId, idp.credentials) : xml;
}

function assertionXml({ id, idp, sp, acsUrl, inResponseTo, subject, now }: {
  id: string; idp: string; sp: string; acsUrl: string; inResponseTo?: string; subject: Subject; now: Date;
}): string {
  const notBefore = instant(new Date(now.getTime() - CLOCK_SKEW_SECONDS * 1000));
  const notOnOrAfter = instant(new Date(now.getTime() + VALID_SECONDS * 1000));
  const assertion = create().ele(NS.saml, 'saml:Assertion', { ID: id, Version: '2.0', IssueInstant: instant(now) })
    .att('http://www.w3.org/2000/xmlns/', 'xmlns:xs', 'http://www.w3.org/2001/XMLSchema')
    .att('http://www.w3.org/2000/xmlns/', 'xmlns:xsi', 'http://www.w3.org/2001/XMLSchema-instance');
  assertion.ele(NS.saml, 'saml:Issuer').txt(idp);
  const subjectEl = assertion.ele(NS.saml, 'saml:Subject');
  const persistent = subject.nameIdFormat.endsWith(':persistent');
  subjectEl.ele(NS.saml, 'saml:NameID', { Format: subject.nameIdFormat, ...(persistent ? { NameQualifier: idp, SPNameQualifier: sp } : {}) }).txt(subject.nameId);
  subjectEl.ele(NS.saml, 'saml:SubjectConfirmation', { Method: 'urn:oasis:names:tc:SAML:2.0:cm:bearer' })
    .ele(NS.saml, 'saml:SubjectConfirmationData', { NotOnOrAfter: notOnOrAfter, Recipient: acsUrl, ...(inResponseTo ? { InResponseTo: inResponseTo } : {}) });
  assertion.ele(NS.saml, 'saml:Conditions', { NotBefore: notBefore, NotOnOrAfter: notOnOrAfter })
    .ele(NS.saml, 'saml:AudienceRestriction').ele(NS.saml, 'saml:Audience').txt(sp);
  assertion.ele(NS.saml, 'saml:AuthnStatement', { AuthnInstant: instant(subject.authnInstant), SessionIndex: subject.sessionIndex })
    .ele(NS.saml, 'saml:AuthnContext').ele(NS.saml, 'saml:AuthnContextClassRef').txt(subject.authnContextClass);
  const attributes = Object.entries(subject.attributes).filter(([, values]) => values.length);
  if (attributes.length) {
    const statement = assertion.ele(NS.saml, 'saml:AttributeStatement');
    for (const [name, values] of attributes) {
      const attribute = statement.ele(NS.saml, 'saml:Attribute', {
        Name: name, NameFormat: /^(urn:|https?:)/.test(name) ? 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri' : 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic',
      });
      for (const value of values) attribute.ele(NS.saml, 'saml:AttributeValue', { 'xsi:type': 'xs:string' }).txt(value);
    }
  }
  return assertion.end({ headless: true }); // no XML declaration: it is embedded (or encrypted and embedded)
}
