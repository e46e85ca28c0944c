import { create } from 'xmlbuilder2';
import type { SingleUseStore } from '../../accounts/single-use.ts';
import type { SamlCredentials } from '../certificate.ts';
import type { Participant, ParticipantStore } from '../participants.ts';
import type { ServiceProvider } from '../service-provider.ts';
import { redirectUrl, signXml } from '../sign.ts';
import type { SpRegistry } from '../sp-registry.ts';
import type { Endpoint } from '../sp-metadata.ts';
import { BINDING, elements, NS, parseXml } from '../xml.ts';
import { refused } from './authn-request.ts';
import type { Incoming } from './bindings.ts';
import type { PostForm } from '../post-page.ts';
import { instant, newId, STATUS } from './response.ts';

interface Deps {
  entityId: string;
  issuer: string;
  credentials: SamlCredentials;
  registry: SpRegistry;
  participants: ParticipantStore;
  pending: SingleUseStore;
  /** Ends a sign-in session by its uid: the OIDC session, its grants, and back-channel logout to its clients. */
  endSession: (sessionUid: string) => Promise<void>;
}

/** Where the browser goes next: a redirect, or an auto-submitted form. */
export type Step = { redirect: string } | { post: PostForm };

/** A logout propagating through the session's SPs, one after another, front channel. */
interface Chain {
  others: { entityId: string; nameId: string; nameIdFormat: string; sessionUid: string }[];
  /** The SP whose LogoutRequest started it, to answer at the end… */
  initiator?: { entityId: string; requestId: string; relayState?: string };
  /** …or where the browser goes at the end (after an OIDC logout). */
  done?: string;
}

const CHAIN_SECONDS = 600;
const CLOCK_SKEW_SECONDS = 180;

/**
 * SAML Single Logout (Profiles §4.4) on the shared session: an SP's LogoutRequest ends the
 * session (OIDC clients are told over back-channel logout), every other SP of the session gets a
 * LogoutRequest in turn, and the initiator gets its LogoutResponse. An OIDC logout starts the same
 * chain for the session's SPs.
 */
export function createSamlLogout({ entityId, issuer, credentials, registry, participants, pending, endSession }: Deps) {
  const sloUrl = `${issuer}/saml/slo`;
  /** The SP's SLO endpoint, Redirect binding preferred. */
  const endpointOf = (sp: ServiceProvider): Endpoint | undefined =>
    sp.metadata.singleLogoutServices.find((e) => e.binding === BINDING.redirect) ?? sp.metadata.singleLogoutServices.find((e) => e.binding === BINDING.post);

  const send = (sp: ServiceProvider, endpoint: Endpoint, param: 'SAMLRequest' | 'SAMLResponse', xml: string, id: string, relayState?: string): Step => {
    const url = param === 'SAMLResponse' ? endpoint.responseLocation ?? endpoint.location : endpoint.location;
    if (endpoint.binding === BINDING.redirect) return { redirect: redirectUrl(url, param, xml, relayState, credentials.key) };
    return { post: { url, param, value: Buffer.from(signXml(xml, id, credentials)).toString('base64'), relayState, spName: sp.entityId } };
  };

  const message = (name: 'LogoutRequest' | 'LogoutResponse', destination: string, attributes: Record<string, string> = {}) => {
    const id = newId();
    const root = create().ele(NS.samlp, `samlp:${name}`, { ID: id, Version: '2.0', IssueInstant: instant(new Date()), Destination: destination, ...attributes })
      .att('http://www.w3.org/2000/xmlns/', 'xmlns:saml', NS.saml);
    root.ele(NS.saml, 'saml:Issuer').txt(entityId);
    return { id, root };
  };

  /** The next SP of the chain, or its end. */
  const next = async (chain: Chain): Promise<Step> => {
    while (chain.others.length) {
      const other = chain.others.shift()!;
      const sp = await registry.find(other.entityId);
      const endpoint = sp && endpointOf(sp);
      if (!sp || !endpoint) continue; // an SP without SLO cannot be told; it keeps its own session
      const { id, root } = message('LogoutRequest', endpoint.location);
      root.ele(NS.saml, 'saml:NameID', { Format: other.nameIdFormat }).txt(other.nameId);
      root.ele(NS.samlp, 'samlp:SessionIndex').txt(other.sessionUid);
      await pending.put(`saml-slo:${id}`, { ...chain }, CHAIN_SECONDS);
      return send(sp, endpoint, 'SAMLRequest', root.end({ headless: true }), id);
    }
    if (chain.initiator) {
      const sp = await registry.find(chain.initiator.entityId);
      const endpoint = sp && endpointOf(sp);
      if (!sp || !endpoint) return { redirect: `${issuer}/saml/logged-out` };
      const { id, root } = message('LogoutResponse', endpoint.responseLocation ?? endpoint.location, { InResponseTo: chain.initiator.requestId });
      root.ele(NS.samlp, 'samlp:Status').ele(NS.samlp, 'samlp:StatusCode', { Value: STATUS.success });
      return send(sp, endpoint, 'SAMLResponse', root.end({ headless: true }), id, chain.initiator.relayState);
    }
    return { redirect: chain.done ?? `${issuer}/saml/logged-out` };
  };

  /** Reads a logout message, checking its issuer, destination and time; a signature is required. */
  const read = async (incoming: Incoming, name: 'LogoutRequest' | 'LogoutResponse') => {
    const root = parseXml(incoming.xml, `the ${name}`).documentElement;
    if (root.localName !== name || root.namespaceURI !== NS.samlp) throw refused(`it is not a samlp:${name}`);
    const issuerName = elements('saml:Issuer', root)[0]?.textContent?.trim() ?? '';
    const sp = issuerName ? await registry.find(issuerName) : undefined;
    if (!sp) throw refused(`the service provider ${issuerName || '(no Issuer)'} is not registered`);
    // Profiles §4.4.4.1: logout messages over the front channel must be signed
    const signed = incoming.verify(sp.metadata.signingCerts);
    if (!signed) throw refused(signed === false ? 'its signature does not verify with the service provider\'s certificate' : 'it is not signed');
    const destination = root.getAttribute('Destination');
    if (destination && destination !== sloUrl) throw refused(`its Destination ${destination} is not this IdP's SLO URL`);
    const issued = Date.parse(root.getAttribute('IssueInstant') ?? '');
    if (Number.isNaN(issued) || Math.abs(Date.now() - issued) > (CHAIN_SECONDS + CLOCK_SKEW_SECONDS) * 1000) throw refused('it is stale or from the future');
    return { root, sp };
  };

  return {
    /** An SP's LogoutRequest: end the session(s) its NameID is signed in with, then tell the others. */
    async request(incoming: Incoming): Promise<Step> {
      const { root, sp } = await read(incoming, 'LogoutRequest');
      const id = root.getAttribute('ID') ?? '';
      if (!id) throw refused('its ID is missing');
      if (!(await pending.put(`saml-slo-request:${sp.entityId}:${id}`, {}, CHAIN_SECONDS + 2 * CLOCK_SKEW_SECONDS))) throw refused('its ID was used before (a replay)');
      const nameId = elements('saml:NameID', root)[0]?.textContent?.trim() ?? '';
      if (!nameId) throw refused('it names no NameID (encrypted NameIDs are not accepted)');
      const indexes = elements('samlp:SessionIndex', root).map((e) => (e.textContent ?? '').trim()).filter(Boolean);
      const sessions = indexes.length
        ? (await Promise.all(indexes.map((index) => participants.find(sp.entityId, nameId, index)))).flat()
        : await participants.find(sp.entityId, nameId);
      const others: Chain['others'] = [];
      for (const uid of new Set(sessions.map((s) => s.sessionUid))) {
        others.push(...(await participants.forSession(uid)).filter((p) => p.entityId !== sp.entityId).map(chainEntry));
        await endSession(uid);
        await participants.removeSession(uid);
      }
      return next({ others, initiator: { entityId: sp.entityId, requestId: id, relayState: incoming.relayState } });
    },

    /** An SP answers our LogoutRequest: on to the next one. */
    async response(incoming: Incoming): Promise<Step> {
      const { root } = await read(incoming, 'LogoutResponse');
      const chain = await pending.take(`saml-slo:${root.getAttribute('InResponseTo') ?? ''}`);
      if (!chain) throw refused('it answers no logout request of ours, or came too late');
      return next(chain as unknown as Chain);
    },

    /** After an OIDC logout: the session's SPs are told one after another, then the browser goes on. */
    async afterSessionEnded(sessionParticipants: Participant[], done: string): Promise<Step> {
      if (sessionParticipants[0]) await participants.removeSession(sessionParticipants[0].sessionUid);
      return next({ others: sessionParticipants.map(chainEntry), done });
    },
  };
}

const chainEntry = (p: Participant) => ({ entityId: p.entityId, nameId: p.nameId, nameIdFormat: p.nameIdFormat, sessionUid: p.sessionUid });


export type SamlLogout = ReturnType<typeof createSamlLogout>;
