import crypto from 'node:crypto';
import type { CacheProvider, Profile } from '@node-saml/node-saml';
import { AppError } from '../../app-error.ts';
import type { SingleUseStore } from '../../accounts/single-use.ts';
import type { UpstreamIdentity } from '../../federation/federation-service.ts';
import type { SamlUpstream } from '../../federation/upstream.ts';
import type { SamlCredentials } from '../certificate.ts';
import { parseIdpMetadata } from '../idp-metadata-parse.ts';
import { pemCertificate } from '../sign.ts';
import { BINDING, elements, parseXml } from '../xml.ts';
import type { PostForm } from '../post-page.ts';

const REQUEST_SECONDS = 600;
const CLOCK_SKEW_MS = 120_000;

/** Where an email address usually is in the attributes of common IdPs, when the mapping names none. */
const EMAIL_ATTRIBUTES = ['email', 'mail', 'urn:oid:0.9.2342.19200300.100.1.3', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress'];
const NAME_ATTRIBUTES = ['name', 'displayName', 'urn:oid:2.16.840.1.113730.3.1.241', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name'];

const rejected = (upstream: SamlUpstream, why: string) => new AppError('upstream_response_refused', 403, `The answer from ${upstream.displayName} was refused: ${why}.`);

/**
 * Gatehouse as a SAML service provider of an upstream IdP (@node-saml/node-saml): signed
 * AuthnRequests, and responses accepted only when signed (response or assertion) by a key of the
 * upstream's metadata, for our audience and ACS, in time, answering a request of ours once.
 * Before node-saml sees a response, what it must never contain is refused outright: a DTD,
 * comments (which truncate NameIDs), more than one assertion (signature wrapping).
 */
export function createSamlBridge({ issuer, credentials, pending }: { issuer: string; credentials: SamlCredentials; pending: SingleUseStore }) {
  const base = (upstream: SamlUpstream) => `${issuer}/saml/sp/${upstream.id}`;
  // node-saml's InResponseTo cache, shared by every node through Redis or PostgreSQL
  const cache: CacheProvider = {
    saveAsync: async (key, value) => ((await pending.put(`saml-sp-request:${key}`, { value }, REQUEST_SECONDS)) ? { value, createdAt: Date.now() } : null),
    getAsync: async (key) => ((await pending.peek(`saml-sp-request:${key}`))?.value as string | undefined) ?? null,
    removeAsync: async (key) => (key ? (((await pending.take(`saml-sp-request:${key}`))?.value as string | undefined) ?? null) : null),
  };
  // one node-saml instance per upstream and metadata version, not one per request; node-saml
  // itself is loaded when an upstream is first used
  const instances = new Map<string, Awaited<ReturnType<typeof build>>>();
  const samlFor = async (upstream: SamlUpstream) => {
    const key = `${upstream.id}\u0000${upstream.metadataXml}`;
    let instance = instances.get(key);
    if (!instance) {
      if (instances.size >= 100) instances.clear();
      instance = await build(upstream);
      instances.set(key, instance);
    }
    return instance;
  };
  async function build(upstream: SamlUpstream) {
    const { SAML, ValidateInResponseTo } = await import('@node-saml/node-saml');
    const metadata = parseIdpMetadata(upstream.metadataXml);
    const sso = metadata.singleSignOnServices.find((s) => s.binding === BINDING.redirect) ?? metadata.singleSignOnServices.find((s) => s.binding === BINDING.post)!;
    return {
      metadata,
      binding: sso.binding,
      saml: new SAML({
        entryPoint: sso.location, issuer: base(upstream), callbackUrl: `${base(upstream)}/acs`, audience: base(upstream),
        logoutCallbackUrl: `${base(upstream)}/slo`, logoutUrl: metadata.singleLogoutServices[0]?.location ?? sso.location,
        idpIssuer: metadata.entityId, idpCert: metadata.signingCerts.map(pemCertificate),
        privateKey: credentials.key, publicCert: credentials.cert, decryptionPvk: credentials.key,
        signatureAlgorithm: 'sha256', digestAlgorithm: 'sha256',
        // a valid signature by the upstream on the response or on the assertion, at least one
        wantAssertionsSigned: false, wantAuthnResponseSigned: false,
        acceptedClockSkewMs: CLOCK_SKEW_MS, validateInResponseTo: ValidateInResponseTo.always, requestIdExpirationPeriodMs: REQUEST_SECONDS * 1000,
        cacheProvider: cache, identifierFormat: null, disableRequestedAuthnContext: true,
        authnRequestBinding: sso.binding === BINDING.post ? 'HTTP-POST' : 'HTTP-Redirect',
        // Bindings §3.5.4: the POST binding carries the XML base64-encoded, not DEFLATEd (node-saml would)
        skipRequestCompression: sso.binding === BINDING.post,
      }),
    };
  }

  return {
    /** This SP's metadata for the upstream's administrators: entity ID, ACS, SLO (both bindings), our certificates. */
    metadata: async (upstream: SamlUpstream) => (await samlFor(upstream)).saml.generateServiceProviderMetadata(credentials.cert, credentials.cert)
      .replace(/<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="([^"]+)"\/>/,
        `<SingleLogoutService Binding="${BINDING.redirect}" Location="$1"/>$&`),

    /** Sends the browser to the upstream with a signed AuthnRequest; RelayState binds the answer to this sign-in. */
    /**
     * Where the login page's button goes: the upstream with a signed AuthnRequest (Redirect), or
     * our page that posts it (POST-only upstreams). RelayState binds the answer to this sign-in.
     */
    async start(upstream: SamlUpstream, uid: string): Promise<string> {
      const relayState = crypto.randomBytes(24).toString('base64url');
      await pending.put(`upstream-saml:${relayState}`, { uid, upstreamId: upstream.id }, REQUEST_SECONDS);
      const { saml, binding } = await samlFor(upstream);
      if (binding === BINDING.redirect) return saml.getAuthorizeUrlAsync(relayState, undefined, {});
      const html = await saml.getAuthorizeFormAsync(relayState);
      const fields = Object.fromEntries([...html.matchAll(/name="(\w+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
      const form: PostForm = { url: saml.options.entryPoint!, param: 'SAMLRequest', value: fields.SAMLRequest!, relayState: fields.RelayState, spName: upstream.displayName };
      const key = crypto.randomBytes(18).toString('base64url');
      await pending.put(`upstream-saml-post:${key}`, { ...form }, REQUEST_SECONDS);
      return `/saml/sp/${upstream.id}/send?key=${key}`;
    },

    /** The AuthnRequest form kept for a POST-only upstream, once. */
    postForm: async (key: string) => (await pending.take(`upstream-saml-post:${key}`)) as PostForm | undefined,

    /**
     * Upstream single logout (Profiles §4.4): the upstream's signed LogoutRequest names a subject;
     * answers who it is and the LogoutResponse URL to send the browser to.
     */
    async logout(upstream: SamlUpstream, request: { query?: Record<string, string>; rawQuery?: string; body?: Record<string, string> }) {
      const { saml } = await samlFor(upstream);
      let result: { profile: Profile | null; loggedOut: boolean };
      try {
        result = request.body
          ? await saml.validatePostRequestAsync(request.body)
          : await saml.validateRedirectAsync(request.query ?? {}, request.rawQuery ?? '');
      } catch (error) {
        throw rejected(upstream, (error as Error).message.replace(/\.$/, ''));
      }
      if (!result.loggedOut || !result.profile?.nameID) throw rejected(upstream, 'it is not a logout request');
      const relayState = request.body?.RelayState ?? request.query?.RelayState ?? '';
      return { subject: result.profile.nameID, respond: () => saml.getLogoutResponseUrlAsync(result.profile!, relayState, {}, true) };
    },

    /** The ACS: the upstream's response checked, used once, and read as an identity. */
    async acs(upstream: SamlUpstream, body: Record<string, unknown>): Promise<{ uid: string; identity: UpstreamIdentity }> {
      const encoded = typeof body.SAMLResponse === 'string' ? body.SAMLResponse : '';
      if (!encoded) throw rejected(upstream, 'SAMLResponse is missing');
      const xml = Buffer.from(encoded, 'base64').toString('utf8');
      const document = parseXml(xml, 'SAMLResponse');
      if (/<!--/.test(xml)) throw rejected(upstream, 'it contains XML comments');
      const root = document.documentElement;
      if (root.localName !== 'Response' || root.namespaceURI !== 'urn:oasis:names:tc:SAML:2.0:protocol') throw rejected(upstream, 'it is not a samlp:Response');
      const assertions = elements('//saml:Assertion | //saml:EncryptedAssertion', document);
      if (assertions.length !== 1) throw rejected(upstream, assertions.length ? 'it carries more than one assertion' : 'it carries no assertion');
      if (assertions[0]!.parentNode !== root) throw rejected(upstream, 'its assertion is not where a response puts it');
      const acsUrl = `${base(upstream)}/acs`;
      const destination = root.getAttribute('Destination');
      if (destination && destination !== acsUrl) throw rejected(upstream, `its Destination ${destination} is not this ACS`);

      const { saml } = await samlFor(upstream);
      let profile: Profile | null;
      try {
        ({ profile } = await saml.validatePostResponseAsync({ SAMLResponse: encoded }));
      } catch (error) {
        throw rejected(upstream, (error as Error).message.replace(/\.$/, ''));
      }
      if (!profile?.nameID) throw rejected(upstream, 'it names nobody');
      // Profiles §4.1.4.3: the bearer confirmation must name this ACS as its Recipient
      const assertion = parseXml(profile.getAssertionXml?.() ?? '', 'the assertion');
      // (by local name: node-saml hands back the assertion without its parents' namespace declarations)
      const confirmations = elements("//*[local-name()='SubjectConfirmation'][@Method='urn:oasis:names:tc:SAML:2.0:cm:bearer']/*[local-name()='SubjectConfirmationData']", assertion);
      if (!confirmations.length || confirmations.some((c) => c.getAttribute('Recipient') !== acsUrl)) throw rejected(upstream, 'it is meant for another recipient');
      const assertionId = assertion.documentElement.getAttribute('ID');
      if (!assertionId || !(await pending.put(`upstream-assertion:${upstream.id}:${assertionId}`, {}, REQUEST_SECONDS))) throw rejected(upstream, 'it was used before');
      const relayState = typeof body.RelayState === 'string' ? body.RelayState : '';
      const started = relayState ? await pending.take(`upstream-saml:${relayState}`) : undefined;
      if (!started || started.upstreamId !== upstream.id) throw new AppError('upstream_state', 400, 'This sign-in has expired or was already used. Start again.');
      return { uid: String(started.uid), identity: identityOf(upstream, profile) };
    },
  };
}

/** The identity in a validated profile: NameID as the subject, the mapped attributes. */
function identityOf(upstream: SamlUpstream, profile: Profile): UpstreamIdentity {
  const attributes = profile as unknown as Record<string, unknown>;
  const first = (names: string[]) => {
    for (const name of names) {
      const value = attributes[name];
      if (typeof value === 'string' && value) return value;
      if (Array.isArray(value) && typeof value[0] === 'string') return value[0] as string;
    }
    return undefined;
  };
  const { claims, roles } = upstream.mapping;
  const email = first(claims.email ? [claims.email] : EMAIL_ATTRIBUTES)
    ?? (profile.nameIDFormat?.endsWith(':emailAddress') ? profile.nameID : undefined);
  const groups = roles ? attributes[roles.from] : undefined;
  return {
    subject: profile.nameID,
    email,
    // a SAML IdP asserting an address is trusted for it only where it is trusted for the domain
    // (the federation service checks that before linking anything)
    emailVerified: true,
    name: first(claims.name ? [claims.name] : NAME_ATTRIBUTES),
    groups: Array.isArray(groups) ? groups.map(String) : typeof groups === 'string' ? [groups] : [],
  };
}

export type SamlBridge = ReturnType<typeof createSamlBridge>;
