import crypto from 'node:crypto';
import * as xmllint from '@authenio/samlify-node-xmllint';
import * as samlify from 'samlify';
import { fixture } from './saml.ts';

samlify.setSchemaValidator(xmllint);

export interface IdpUser {
  nameId: string;
  email: string;
  name: string;
  groups: string[];
}

const IDP_ENTITY = 'https://idp.corp.example/metadata';
export const IDP_SSO = 'https://idp.corp.example/sso';
export const IDP_SLO = 'https://idp.corp.example/slo';

/** samlify as an upstream SAML IdP (signing with test/fixtures/saml/other-signing.key). */
export const samlifyIdp = () => samlifyIdpSignedBy('other-signing');

/** The same IdP, signing with another fixture key (what an attacker without the IdP's key can do). */
export function samlifyIdpSignedBy(key: 'other-signing' | 'sp-signing') {
  const idp = samlify.IdentityProvider({
    entityID: IDP_ENTITY, signingCert: fixture(`${key}.crt`), privateKey: fixture(`${key}.key`),
    singleSignOnService: [{ Binding: samlify.Constants.namespace.binding.redirect, Location: IDP_SSO }],
    singleLogoutService: [{ Binding: samlify.Constants.namespace.binding.redirect, Location: IDP_SLO }],
    nameIDFormat: ['urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'],
    requestSignatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  });
  return {
    metadata: idp.getMetadata(),
    /** A signed LogoutRequest for this subject, over the Redirect binding to the SP's SLO endpoint. */
    logoutRequest(spMetadata: string, nameId: string): string {
      const sp = samlify.ServiceProvider({ metadata: spMetadata });
      return (idp.createLogoutRequest(sp, 'redirect', { logoutNameID: nameId }) as { context: string }).context;
    },
    /**
     * Reads the AuthnRequest the browser was sent with, and answers it for this user: a
     * Response signed over the assertion (and the message), as the SP's metadata asks.
     */
    async answer(spMetadata: string, redirectLocation: string, user: IdpUser, edit: (tags: Record<string, string>) => Record<string, string> = (t) => t) {
      const sp = samlify.ServiceProvider({ metadata: spMetadata });
      const url = new URL(redirectLocation);
      const request = await idp.parseLoginRequest(sp, 'redirect', { query: Object.fromEntries(url.searchParams), octetString: url.search.slice(1).replace(/&Signature=[^&]*/, '') });
      const requestId = (request.extract as { request: { id: string } }).request.id;
      const now = new Date();
      const later = new Date(now.getTime() + 5 * 60_000);
      const acs = /<(?:md:)?AssertionConsumerService[^>]*Location="([^"]+)"/.exec(spMetadata)![1]!;
      const tags = edit({
        ID: `_${crypto.randomBytes(16).toString('hex')}`, AssertionID: `_${crypto.randomBytes(16).toString('hex')}`, Destination: acs,
        Audience: sp.entityMeta.getEntityID(), SubjectRecipient: acs, Issuer: IDP_ENTITY, IssueInstant: now.toISOString(),
        StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success', ConditionsNotBefore: now.toISOString(), ConditionsNotOnOrAfter: later.toISOString(),
        SubjectConfirmationDataNotOnOrAfter: later.toISOString(), NameIDFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
        NameID: user.nameId, InResponseTo: requestId,
        AuthnStatement: `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="_s1"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`,
        AttributeStatement: `<saml:AttributeStatement>${attribute('mail', [user.email])}${attribute('displayName', [user.name])}${attribute('memberOf', user.groups)}</saml:AttributeStatement>`,
      });
      const { context } = await idp.createLoginResponse(sp, request as never, 'post', { email: user.email }, ((template: string) => ({
        id: tags.ID, context: template.replace(/\{(\w+)\}/g, (_, tag: string) => tags[tag] ?? ''),
      })) as never) as { context: string };
      return { SAMLResponse: context, requestId, acs };
    },
  };
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
const attribute = (name: string, values: string[]) => `<saml:Attribute Name="${name}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${
  values.map((v) => `<saml:AttributeValue xsi:type="xs:string">${escape(v)}</saml:AttributeValue>`).join('')}</saml:Attribute>`;
