import crypto from 'node:crypto';
import type { AccountService } from '../../accounts/account-service.ts';
import type { SingleUseStore } from '../../accounts/single-use.ts';
import { ACR, meets } from '../../mfa/acr.ts';
import type { CurrentSession } from '../../provider/current-session.ts';
import type { SamlCredentials } from '../certificate.ts';
import { NAME_ID_FORMATS, type ServiceProvider } from '../service-provider.ts';
import type { SpRegistry } from '../sp-registry.ts';
import type { ParticipantStore } from '../participants.ts';
import { classFor } from './authn-context.ts';
import { checkAuthnRequest, refused, type AuthnRequest } from './authn-request.ts';
import { buildResponse, STATUS, type Subject } from './response.ts';

interface Deps {
  entityId: string;
  issuer: string;
  credentials: SamlCredentials;
  registry: SpRegistry;
  accounts: AccountService;
  pending: SingleUseStore;
  pairwiseSalt: string;
  requireSignedRequests: boolean;
  participants: ParticipantStore;
  sessionTtlSeconds: number;
}

/** A sign-in waiting for the pipeline, kept between the SSO request and its continuation. */
interface Pending {
  requestId?: string;
  entityId: string;
  acsUrl: string;
  relayState?: string;
  nameIdFormat?: string;
  requestedAcr: string | null;
  requestedClasses: string[];
}

/** What to post to the SP's ACS. */
export interface Answer {
  /** The status sent: Success, or the most specific refusal code (NoPassive, …). */
  status: string;
  acsUrl: string;
  samlResponse: string;
  relayState?: string;
  spName: string;
}

/** The next step of an SSO request: the sign-in pipeline with these parameters, or an answer at once. */
export type Begun = { key: string; prompt?: 'login' | 'none'; acrValues?: string } | { answer: Answer };

const PENDING_SECONDS = 3600;
/** Bindings §3.4.3 asks for 80 bytes at most; SPs that carry a return URL in it send more, within reason. */
const MAX_RELAY_STATE_BYTES = 1024;

/**
 * SAML Web Browser SSO (Profiles §4.1) on Gatehouse's own session: a checked AuthnRequest (or
 * an IdP-initiated start) waits while the browser goes through the same login → second factor
 * pipeline as OIDC, then the session it leaves becomes a signed assertion for the SP.
 */
export function createSamlSso({ entityId, issuer, credentials, registry, accounts, pending, pairwiseSalt, requireSignedRequests, participants, sessionTtlSeconds }: Deps) {
  const respond = async (sp: ServiceProvider, state: Pending, outcome: Parameters<typeof buildResponse>[0]['outcome']): Promise<Answer> => {
    const xml = await buildResponse({ idp: { entityId, credentials }, sp, acsUrl: state.acsUrl, inResponseTo: state.requestId, outcome });
    const codes = 'subject' in outcome ? [STATUS.success] : outcome.status.filter(Boolean);
    const status = codes[codes.length - 1]!.split(':').pop()!;
    return { status, acsUrl: state.acsUrl, samlResponse: Buffer.from(xml).toString('base64'), relayState: state.relayState, spName: sp.entityId };
  };
  const wait = async (state: Pending, request?: AuthnRequest): Promise<Begun> => {
    const key = crypto.randomBytes(24).toString('base64url');
    await pending.put(`saml-sso:${key}`, { ...state }, PENDING_SECONDS);
    return {
      key,
      ...(request?.isPassive ? { prompt: 'none' as const } : request?.forceAuthn ? { prompt: 'login' as const } : {}),
      ...(state.requestedAcr === ACR.mfa ? { acrValues: ACR.mfa } : {}),
    };
  };

  return {
    async begin(input: { xml: string; relayState?: string; verify: (certs: string[]) => boolean | undefined }): Promise<Begun> {
      const request = await checkAuthnRequest(input, {
        findSp: (id) => registry.find(id), ssoUrl: `${issuer}/saml/sso`, requireSigned: requireSignedRequests,
        claimId: (sp, id, ttl) => pending.put(`saml-request:${sp}:${id}`, {}, ttl),
      });
      if (input.relayState && Buffer.byteLength(input.relayState) > MAX_RELAY_STATE_BYTES) throw refused(`its RelayState is longer than ${MAX_RELAY_STATE_BYTES} bytes`);
      const state: Pending = {
        requestId: request.id, entityId: request.sp.entityId, acsUrl: request.acs.location, relayState: input.relayState,
        nameIdFormat: request.nameIdFormat, requestedAcr: request.requestedAcr ?? null, requestedClasses: request.requestedClasses,
      };
      // answered at once, to the ACS: what the request asks for cannot be given (Core §3.2.2.2)
      if (request.requestedAcr === undefined) {
        return { answer: await respond(request.sp, state, { status: [STATUS.responder, STATUS.noAuthnContext], message: 'None of the requested authentication contexts is offered.' }) };
      }
      if (request.nameIdFormat && !Object.values(NAME_ID_FORMATS).includes(request.nameIdFormat)) {
        return { answer: await respond(request.sp, state, { status: [STATUS.requester, STATUS.invalidNameIdPolicy], message: `The NameID format ${request.nameIdFormat} is not offered.` }) };
      }
      return wait(state, request);
    },

    /** IdP-initiated SSO (Profiles §4.1.5), for SPs that allow it: no request, the default ACS. */
    async beginUnsolicited(spEntityId: string, relayState?: string): Promise<Begun> {
      const sp = await registry.find(spEntityId);
      if (!sp || !sp.settings.idpInitiated) throw refused(`the service provider ${spEntityId} does not accept sign-ins started here`);
      const acs = sp.metadata.assertionConsumerServices.find((a) => a.isDefault) ?? sp.metadata.assertionConsumerServices[0]!;
      return wait({ entityId: sp.entityId, acsUrl: acs.location, relayState, requestedAcr: null, requestedClasses: [] });
    },

    /** The pipeline is done: the session becomes an assertion, or the reason it did not becomes a status. */
    async finish(key: string, result: { session?: CurrentSession; error?: string }): Promise<Answer> {
      const state = (await pending.take(`saml-sso:${key}`)) as unknown as Pending | undefined;
      if (!state) throw refused('this sign-in has expired or was already answered; start again from the application');
      const sp = await registry.find(state.entityId);
      if (!sp) throw refused(`the service provider ${state.entityId} is no longer registered`);
      if (result.error || !result.session) {
        const passive = result.error === 'login_required' || result.error === 'interaction_required' || result.error === 'consent_required';
        return respond(sp, state, passive
          ? { status: [STATUS.responder, STATUS.noPassive], message: 'The user would have to sign in.' }
          : { status: [STATUS.responder, STATUS.authnFailed], message: 'The sign-in did not complete.' });
      }
      const { session } = result;
      if (state.requestedAcr && !meets(session.acr, [state.requestedAcr])) {
        return respond(sp, state, { status: [STATUS.responder, STATUS.noAuthnContext], message: 'The sign-in did not reach the requested authentication context.' });
      }
      const account = await accounts.findById(session.accountId);
      if (!account || account.disabled) return respond(sp, state, { status: [STATUS.responder, STATUS.requestDenied], message: 'The account is not active.' });
      const subject = subjectFor(sp, state, session, account, pairwiseSalt);
      // kept for single logout: this SP is told when the session ends
      await participants.add({
        sessionUid: session.uid, entityId: sp.entityId, nameId: subject.nameId, nameIdFormat: subject.nameIdFormat,
        expiresAt: new Date(Date.now() + sessionTtlSeconds * 1000),
      });
      return respond(sp, state, { subject });
    },
  };
}

/** The NameID, attributes and authentication statement for this SP (its mapping and format). */
function subjectFor(sp: ServiceProvider, state: Pending, session: CurrentSession, account: { id: string; email: string; name: string | null; roles: string[] }, salt: string): Subject {
  const unspecified = NAME_ID_FORMATS.unspecified;
  const format = state.nameIdFormat && state.nameIdFormat !== unspecified ? state.nameIdFormat : NAME_ID_FORMATS[sp.settings.nameIdFormat];
  const nameId = format === NAME_ID_FORMATS.persistent
    // a stable, opaque value of its own for each SP, like OIDC pairwise subjects (Core §8.3.7)
    ? crypto.createHmac('sha256', salt).update(`saml\u0000${sp.entityId}\u0000${account.id}`).digest('base64url')
    : format === NAME_ID_FORMATS.emailAddress ? account.email
      : format === NAME_ID_FORMATS.transient ? `_${crypto.randomBytes(20).toString('hex')}`
        : account.id;
  const [given = '', ...family] = (account.name ?? '').trim().split(/\s+/);
  const values: Record<string, string[]> = {
    email: [account.email], name: account.name ? [account.name] : [], given_name: given ? [given] : [],
    family_name: family.length ? [family.join(' ')] : [], roles: account.roles, sub: [account.id],
  };
  const attributes = Object.fromEntries(Object.entries(sp.settings.attributes).map(([source, name]) => [name!, values[source] ?? []]));
  return {
    nameId, nameIdFormat: format, attributes,
    authnInstant: new Date((session.loginTs ?? Math.floor(Date.now() / 1000)) * 1000),
    sessionIndex: session.uid,
    authnContextClass: classFor(session.acr ?? ACR.password, state.requestedClasses),
  };
}

export type SamlSso = ReturnType<typeof createSamlSso>;
