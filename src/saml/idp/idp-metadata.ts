import { create } from 'xmlbuilder2';
import { certBody, type SamlCredentials } from '../certificate.ts';
import { NAME_ID_FORMATS } from '../service-provider.ts';
import { BINDING, NS } from '../xml.ts';

/**
 * The IdP's SAML 2.0 metadata (Metadata §2.4.3): entity ID, signing certificates (the next one
 * too, during a rollover, so SPs trust it before it signs), SSO and SLO over both bindings, and
 * the NameID formats offered.
 */
export function idpMetadata({ entityId, issuer, credentials, requireSignedRequests }: {
  entityId: string; issuer: string; credentials: SamlCredentials; requireSignedRequests: boolean;
}): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' })
    .ele(NS.md, 'md:EntityDescriptor', { entityID: entityId }).att('http://www.w3.org/2000/xmlns/', 'xmlns:ds', NS.ds);
  const idp = root.ele(NS.md, 'md:IDPSSODescriptor', {
    WantAuthnRequestsSigned: String(requireSignedRequests), protocolSupportEnumeration: 'urn:oasis:names:tc:SAML:2.0:protocol',
  });
  for (const cert of [credentials.cert, credentials.nextCert].filter((c): c is string => Boolean(c))) {
    idp.ele(NS.md, 'md:KeyDescriptor', { use: 'signing' })
      .ele(NS.ds, 'ds:KeyInfo').ele(NS.ds, 'ds:X509Data').ele(NS.ds, 'ds:X509Certificate').txt(certBody(cert));
  }
  for (const binding of [BINDING.redirect, BINDING.post]) idp.ele(NS.md, 'md:SingleLogoutService', { Binding: binding, Location: `${issuer}/saml/slo` });
  for (const format of Object.values(NAME_ID_FORMATS)) idp.ele(NS.md, 'md:NameIDFormat').txt(format);
  for (const binding of [BINDING.redirect, BINDING.post]) idp.ele(NS.md, 'md:SingleSignOnService', { Binding: binding, Location: `${issuer}/saml/sso` });
  return root.end({ prettyPrint: true });
}
