import { AppError } from '../app-error.ts';
import type { Endpoint } from './sp-metadata.ts';
import { elements, parseXml } from './xml.ts';
import { descriptorCerts } from './metadata-keys.ts';

/** What the SP bridge needs from an upstream IdP's SAML 2.0 metadata. */
export interface IdpMetadata {
  entityId: string;
  singleSignOnServices: Endpoint[];
  singleLogoutServices: Endpoint[];
  /** base64 DER signing certificates: the only keys its responses are checked with. */
  signingCerts: string[];
  wantAuthnRequestsSigned: boolean;
}

const invalid = (message: string) => new AppError('invalid_metadata', 400, `IdP metadata: ${message}`);

/** Parses and checks upstream IdP metadata (Metadata §2.4.3): one IDPSSODescriptor, SSO endpoints, signing certificates. */
export function parseIdpMetadata(xml: string): IdpMetadata {
  const root = parseXml(xml, 'IdP metadata').documentElement;
  const descriptor = root.localName === 'EntitiesDescriptor' ? elements('md:EntityDescriptor', root) : [root];
  if (descriptor.length !== 1 || descriptor[0]!.localName !== 'EntityDescriptor' || descriptor[0]!.namespaceURI !== 'urn:oasis:names:tc:SAML:2.0:metadata') {
    throw invalid('there must be exactly one md:EntityDescriptor');
  }
  const entity = descriptor[0]!;
  const entityId = entity.getAttribute('entityID') ?? '';
  if (!entityId) throw invalid('entityID is missing');
  const [idp, ...more] = elements('md:IDPSSODescriptor', entity);
  if (!idp || more.length) throw invalid('there must be exactly one md:IDPSSODescriptor');
  const endpoints = (name: string) => elements(`md:${name}`, idp).map((e) => {
    const location = e.getAttribute('Location') ?? '';
    if (!/^https?:\/\//.test(location)) throw invalid(`${name} Location "${location}" is not an http(s) URL`);
    return { binding: e.getAttribute('Binding') ?? '', location, ...(e.getAttribute('ResponseLocation') ? { responseLocation: e.getAttribute('ResponseLocation')! } : {}) };
  });
  const singleSignOnServices = endpoints('SingleSignOnService');
  if (!singleSignOnServices.length) throw invalid('there is no SingleSignOnService');
  const signingCerts = descriptorCerts(idp, 'signing', invalid);
  if (!signingCerts.length) throw invalid('there is no signing certificate: its responses could not be checked');
  return {
    entityId, singleSignOnServices, singleLogoutServices: endpoints('SingleLogoutService'), signingCerts,
    wantAuthnRequestsSigned: idp.getAttribute('WantAuthnRequestsSigned') === 'true',
  };
}
