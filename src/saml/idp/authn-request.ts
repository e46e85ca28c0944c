import { AppError } from '../../app-error.ts';
import type { ServiceProvider } from '../service-provider.ts';
import type { Endpoint } from '../sp-metadata.ts';
import { BINDING, elements, parseXml } from '../xml.ts';
import type { Incoming } from './bindings.ts';
import { acrForRequested } from './authn-context.ts';

/** A checked AuthnRequest: who asked, where the answer goes, and what the SP wants. */
export interface AuthnRequest {
  id: string;
  sp: ServiceProvider;
  acs: Endpoint;
  forceAuthn: boolean;
  isPassive: boolean;
  nameIdFormat?: string;
  /** null: no RequestedAuthnContext; undefined: none of its classes is known. */
  requestedAcr: string | null | undefined;
  requestedClasses: string[];
}

const MAX_AGE_SECONDS = 300;
const CLOCK_SKEW_SECONDS = 180;

/** A request that cannot be answered to any ACS: shown as an error page, never as a SAML response. */
export const refused = (message: string) => new AppError('saml_request_refused', 400, `The SAML request was refused: ${message}.`);

/**
 * Checks an AuthnRequest (SAML Core §3.4.1, Profiles §4.1.4.1): a registered issuer, a fresh and
 * unused ID, our SSO URL as Destination, an ACS from the SP's metadata, and a valid signature
 * when the SP signs or must sign.
 */
export async function checkAuthnRequest(input: Incoming, deps: {
  findSp: (entityId: string) => Promise<ServiceProvider | undefined>;
  ssoUrl: string;
  requireSigned: boolean;
  /** Claims the request ID for its lifetime; false when it was seen before. */
  claimId: (entityId: string, id: string, ttlSeconds: number) => Promise<boolean>;
  now?: Date;
}): Promise<AuthnRequest> {
  const document = parseXml(input.xml, 'SAMLRequest');
  const request = document.documentElement;
  if (request.localName !== 'AuthnRequest' || request.namespaceURI !== 'urn:oasis:names:tc:SAML:2.0:protocol') throw refused('it is not a samlp:AuthnRequest');
  if (request.getAttribute('Version') !== '2.0') throw refused('only SAML 2.0 is spoken here');
  const id = request.getAttribute('ID') ?? '';
  if (!/^[A-Za-z_][\w.-]{0,255}$/.test(id)) throw refused('its ID is missing or not an NCName');
  const issuers = elements('saml:Issuer', request);
  const entityId = issuers[0]?.textContent?.trim() ?? '';
  if (issuers.length !== 1 || !entityId) throw refused('it names no Issuer');
  const sp = await deps.findSp(entityId);
  if (!sp) throw refused(`the service provider ${entityId} is not registered`);

  const signed = input.verify(sp.metadata.signingCerts);
  if (signed === false) throw refused('its signature does not verify with the service provider\'s certificate');
  if (signed === undefined && (deps.requireSigned || sp.metadata.authnRequestsSigned)) throw refused('it is not signed, and this service provider must sign its requests');

  const now = (deps.now ?? new Date()).getTime();
  const issued = Date.parse(request.getAttribute('IssueInstant') ?? '');
  if (Number.isNaN(issued)) throw refused('its IssueInstant is missing');
  if (issued > now + CLOCK_SKEW_SECONDS * 1000 || issued < now - (MAX_AGE_SECONDS + CLOCK_SKEW_SECONDS) * 1000) throw refused('it is stale or from the future');
  const destination = request.getAttribute('Destination');
  if (destination && destination !== deps.ssoUrl) throw refused(`its Destination ${destination} is not this IdP's SSO URL`);

  const acs = chooseAcs(sp, request);
  const protocolBinding = request.getAttribute('ProtocolBinding');
  if (protocolBinding && protocolBinding !== BINDING.post) throw refused('responses are sent with the HTTP-POST binding only');

  if (!(await deps.claimId(entityId, id, MAX_AGE_SECONDS + 2 * CLOCK_SKEW_SECONDS))) throw refused('its ID was used before (a replay)');

  const classes = elements('samlp:RequestedAuthnContext/saml:AuthnContextClassRef', request).map((c) => (c.textContent ?? '').trim());
  return {
    id, sp, acs,
    forceAuthn: request.getAttribute('ForceAuthn') === 'true',
    isPassive: request.getAttribute('IsPassive') === 'true',
    nameIdFormat: elements('samlp:NameIDPolicy', request)[0]?.getAttribute('Format') ?? undefined,
    requestedAcr: acrForRequested(classes),
    requestedClasses: classes,
  };
}

/** The ACS the request names (by URL or index), which must be in the metadata; else the default. */
function chooseAcs(sp: ServiceProvider, request: Element): Endpoint {
  const posts = sp.metadata.assertionConsumerServices.filter((a) => a.binding === BINDING.post);
  const url = request.getAttribute('AssertionConsumerServiceURL');
  const index = request.getAttribute('AssertionConsumerServiceIndex');
  if (url && index) throw refused('it names both an ACS URL and an ACS index');
  if (url) {
    const match = posts.find((a) => a.location === url);
    if (!match) throw refused(`the ACS URL ${url} is not in the service provider's metadata`);
    return match;
  }
  if (index) {
    const match = posts.find((a) => a.index === Number(index));
    if (!match) throw refused(`the ACS index ${index} is not in the service provider's metadata`);
    return match;
  }
  return posts.find((a) => a.isDefault) ?? posts.find((a) => a.isDefault === undefined) ?? posts[0]!;
}
