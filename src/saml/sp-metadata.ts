import { AppError } from '../app-error.ts';
import { BINDING, elements, parseXml } from './xml.ts';
import { descriptorCerts } from './metadata-keys.ts';

export interface Endpoint {
  binding: string;
  location: string;
  responseLocation?: string;
  index?: number;
  isDefault?: boolean;
}

/** What Gatehouse needs from a service provider's SAML 2.0 metadata. */
export interface SpMetadata {
  entityId: string;
  assertionConsumerServices: Endpoint[];
  singleLogoutServices: Endpoint[];
  /** base64 DER certificates (KeyDescriptor use="signing", or no use). */
  signingCerts: string[];
  encryptionCerts: string[];
  authnRequestsSigned: boolean;
  wantAssertionsSigned: boolean;
  nameIdFormats: string[];
}

const invalid = (message: string) => new AppError('invalid_metadata', 400, `SP metadata: ${message}`);

/** Parses and checks SP metadata (SAML 2.0 Metadata §2.4.4): one SPSSODescriptor, usable endpoints, valid certificates. */
export function parseSpMetadata(xml: string): SpMetadata {
  const document = parseXml(xml, 'SP metadata');
  const root = document.documentElement;
  const descriptor = root.localName === 'EntitiesDescriptor'
    ? invalidCount(elements('md:EntityDescriptor', root))
    : root;
  if (descriptor.localName !== 'EntityDescriptor' || descriptor.namespaceURI !== 'urn:oasis:names:tc:SAML:2.0:metadata') {
    throw invalid('the root element must be md:EntityDescriptor');
  }
  const entityId = descriptor.getAttribute('entityID') ?? '';
  if (!entityId || entityId.length > 1024) throw invalid('entityID is missing or longer than 1024 characters');
  const [sp, ...more] = elements('md:SPSSODescriptor', descriptor);
  if (!sp || more.length) throw invalid('there must be exactly one md:SPSSODescriptor');
  if (!(sp.getAttribute('protocolSupportEnumeration') ?? '').includes('urn:oasis:names:tc:SAML:2.0:protocol')) {
    throw invalid('the SPSSODescriptor does not support the SAML 2.0 protocol');
  }
  const endpoint = (e: Element): Endpoint => {
    const location = e.getAttribute('Location') ?? '';
    if (!/^https?:\/\//.test(location)) throw invalid(`${e.localName} Location "${location}" is not an http(s) URL`);
    const index = e.getAttribute('index');
    return {
      binding: e.getAttribute('Binding') ?? '', location,
      ...(e.getAttribute('ResponseLocation') ? { responseLocation: e.getAttribute('ResponseLocation')! } : {}),
      ...(index !== null ? { index: Number(index) } : {}),
      ...(e.getAttribute('isDefault') !== null ? { isDefault: e.getAttribute('isDefault') === 'true' } : {}),
    };
  };
  const assertionConsumerServices = elements('md:AssertionConsumerService', sp).map(endpoint);
  if (!assertionConsumerServices.some((a) => a.binding === BINDING.post)) throw invalid('there is no AssertionConsumerService with the HTTP-POST binding');
  return {
    entityId,
    assertionConsumerServices,
    singleLogoutServices: elements('md:SingleLogoutService', sp).map(endpoint),
    signingCerts: descriptorCerts(sp, 'signing', invalid),
    encryptionCerts: descriptorCerts(sp, 'encryption', invalid),
    authnRequestsSigned: sp.getAttribute('AuthnRequestsSigned') === 'true',
    wantAssertionsSigned: sp.getAttribute('WantAssertionsSigned') === 'true',
    nameIdFormats: elements('md:NameIDFormat', sp).map((n) => (n.textContent ?? '').trim()),
  };

  function invalidCount(list: Element[]): Element {
    if (list.length !== 1) throw invalid('an EntitiesDescriptor must hold exactly one EntityDescriptor');
    return list[0]!;
  }
}
