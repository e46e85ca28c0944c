import crypto from 'node:crypto';
import Provider, { errors, type Adapter, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Config } from '../config/config.ts';
import type { Render } from '../http/views.ts';
import { CLAIMS_BY_SCOPE, findAccount, type AccountLookup } from './find-account.ts';
import { loadExistingGrant } from './first-party-grant.ts';
import { resourceIndicators, resourceServers } from './resources.ts';
import { ADMIN_SCOPES } from '../admin/api/admin-resource.ts';
import { TOKEN_EXCHANGE, TOKEN_EXCHANGE_PARAMETERS, tokenExchangeHandler } from './token-exchange.ts';
import type { JWK } from 'jose';
import { devicePages } from './device-pages.ts';
import { createInteractionPolicy, type MfaPolicy } from './interaction-policy.ts';
import { ACR_VALUES } from '../mfa/acr.ts';
import { ownClientMetadata } from './own-clients.ts';
import { REGISTRATION_POLICY, registrationPolicy } from './registration-policy.ts';
import { introspectionAllowed, revocationAllowed } from './token-policies.ts';
import { keepOrganizationOnGrants, ORGANIZATION_PARAM, organizationParam } from './organization-hint.ts';
import { ORGANIZATIONS_SCOPE } from '../organizations/organization-claims.ts';
import { extraTokenClaims } from './token-claims.ts';
import type { ApiKey } from '../api-keys/api-key.ts';

export interface ProviderDeps {
  config: Config;
  jwks: { keys: object[] };
  cookieKeys: string[];
  pairwiseSalt: string;
  /** The private signing keys in use now (they change on rotation). */
  signingKeys: () => JWK[];
  adapter: (model: string) => Adapter;
  accounts: AccountLookup;
  /** API keys, which are client_credentials clients (src/api-keys). */
  apiKeys: { find(id: string): Promise<ApiKey | undefined> };
  mfa: MfaPolicy;
  render: Render;
}

const allowLoopbackOutsideProduction = (input: string | URL | Request, options?: RequestInit) => {
  const { hostname } = new URL(input instanceof Request ? input.url : input);
  const loopback = hostname === 'localhost' || hostname === '[::1]' || hostname.startsWith('127.');
  return fetch(input, loopback ? { ...options, dispatcher: undefined } as RequestInit : options);
};

/** Emitted by the provider for every token exchange, with who exchanged what for whom. */
export const TOKEN_EXCHANGE_EVENT = 'gatehouse.token_exchange';

/** oidc-provider, configured for OAuth 2.1 and the OAuth security BCP (RFC 9700). */
export function createProvider({ config, jwks, cookieKeys, pairwiseSalt, signingKeys, adapter, accounts, apiKeys, mfa, render }: ProviderDeps): Provider {
  const servers = resourceServers(config);
  const clientName = (ctx: KoaContextWithOIDC) => ctx.oidc.client?.clientName ?? ctx.oidc.client?.clientId;
  const configuration: Configuration = {
    adapter,
    clients: ownClientMetadata(config.issuer) as Configuration['clients'],
    jwks: jwks as Configuration['jwks'],
    // Signed cookies (HMAC with COOKIE_KEYS; the first signs, the others still verify).
    cookies: { keys: cookieKeys, long: { signed: true, httpOnly: true, sameSite: 'lax' }, short: { signed: true, httpOnly: true, sameSite: 'lax' } },
    findAccount: findAccount(accounts),
    claims: CLAIMS_BY_SCOPE,
    // admin scopes: registrable by clients, granted only for the admin API (src/provider/resources.ts)
    scopes: ['openid', 'offline_access', 'profile', 'email', 'roles', ORGANIZATIONS_SCOPE, ...ADMIN_SCOPES],
    // the organization to sign in for (its id or slug), as Auth0 names it; see organization-hint.ts
    extraParams: { [ORGANIZATION_PARAM]: organizationParam(accounts.organizations) },
    responseTypes: ['code'], // OAuth 2.1: no implicit or hybrid flows
    // OIDC Core §2: the authentication context a sign-in reached, in the ID token's acr.
    acrValues: ACR_VALUES,
    discovery: { ui_locales_supported: ['en'] }, // the pages speak English; other locales fall back to it
    // OIDC Core §8.1: a client may ask for a subject of its own, the same for its whole sector.
    subjectTypes: ['public', 'pairwise'],
    pairwiseIdentifier: async (_ctx, accountId, client) =>
      crypto.createHash('sha256').update(`${client.sectorIdentifier}\u0000${accountId}\u0000${pairwiseSalt}`).digest('base64url'),
    // OIDC Core §3.1.2.1: redirect_uri is required in every authentication request.
    allowOmittingSingleRegisteredRedirectUri: false,
    // RFC 9700 §2.1.1: PKCE for every client; oidc-provider accepts S256 only.
    pkce: { required: () => true },
    // RFC 9700 §4.14.2: refresh tokens rotate (a reused one revokes the whole grant), except for
    // FAPI 2.0 clients, whose refresh tokens are sender-constrained and must not rotate.
    rotateRefreshToken: (ctx) => !ctx.oidc.isFapi('2.0'),
    extraClientMetadata: {
      properties: ['first_party', 'fapi_profile'],
      validator(_ctx, key, value) {
        if (key === 'first_party' && value !== undefined && typeof value !== 'boolean') {
          throw new errors.InvalidClientMetadata('first_party must be a boolean');
        }
        if (key === 'fapi_profile' && value !== undefined && value !== '2.0') {
          throw new errors.InvalidClientMetadata('fapi_profile must be "2.0"');
        }
      },
    },
    loadExistingGrant: loadExistingGrant as Configuration['loadExistingGrant'],
    extraTokenClaims: extraTokenClaims(accounts, apiKeys),
    features: {
      devInteractions: { enabled: false },
      // RFC 9126: pushed authorization requests (valid 60 s), required for all clients or per
      // client (require_pushed_authorization_requests); pushed redirect URIs must be registered.
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: config.par.required, allowUnregisteredRedirectUris: false },
      // RFC 9449: sender-constrained tokens for clients that send DPoP proofs, required of
      // clients registered with dpop_bound_access_tokens; nonces (§8) when configured.
      dPoP: {
        enabled: true,
        nonceSecret: crypto.createHash('sha256').update(`dpop-nonce\u0000${cookieKeys[0]}`).digest(),
        requireNonce: () => config.dpopRequireNonce,
      },
      clientCredentials: { enabled: true },
      claimsParameter: { enabled: true }, // OIDC Core §5.5
      // The FAPI 2.0 Security Profile for clients registered with fapi_profile "2.0" (the client
      // lint makes them use PAR, private_key_jwt and DPoP).
      fapi: { enabled: true, profile: (_ctx: unknown, client: unknown) => ((client as { fapi_profile?: string } | undefined)?.fapi_profile === '2.0' ? '2.0' : undefined) } as never,
      // RFC 9101 signed request objects (required per client with require_signed_request_object)
      // and JARM, signed authorization responses (response_mode=jwt and its variants).
      requestObjects: { enabled: true, requireSignedRequestObject: false },
      jwtResponseModes: { enabled: true },
      // RFC 7591/7592, off unless configured: registration needs an initial access token (which
      // carries the registration policy), and registered clients manage themselves.
      registration: {
        enabled: config.registration, initialAccessToken: true, policies: { [REGISTRATION_POLICY]: registrationPolicy },
      },
      registrationManagement: { enabled: config.registration, rotateRegistrationAccessToken: true },
      // RFC 8628: the device authorization grant; the user confirms at /device and signs in as usual.
      deviceFlow: { enabled: true, charset: 'base-20', mask: '****-****', ...devicePages(render) } as never,
      backchannelLogout: { enabled: true }, // OpenID Connect Back-Channel Logout 1.0
      introspection: { enabled: true, allowedPolicy: introspectionAllowed as never },
      // RFC 9701: signed introspection responses for clients that register introspection_signed_response_alg
      jwtIntrospection: { enabled: true },
      revocation: { enabled: true, allowedPolicy: revocationAllowed as never },
      userinfo: { enabled: true },
      resourceIndicators: resourceIndicators(config, servers, apiKeys) as NonNullable<Configuration['features']>['resourceIndicators'],
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.type = 'html';
          ctx.body = render('logout', { form, client: clientName(ctx), title: 'Sign out' });
        },
        async postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.body = render('logged-out', { client: clientName(ctx), title: 'Signed out' });
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}`, policy: createInteractionPolicy(mfa, accounts.organizations) },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = render('error', { message: out.error_description ?? 'The request could not be completed.', code: out.error });
    },
    ttl: {
      // a resource server's own lifetime first (RESOURCE_SERVERS), else ACCESS_TOKEN_TTL
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? config.ttl.accessToken,
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? config.ttl.accessToken,
      IdToken: config.ttl.idToken,
      RefreshToken: config.ttl.refreshToken,
      Session: config.ttl.session,
      Grant: config.ttl.refreshToken,
      AuthorizationCode: 60,
      DeviceCode: 600, // RFC 8628 §3.2: long enough to walk to a browser and sign in
      Interaction: 3600,
    },
    // Outgoing requests (back-channel logout, jwks_uri) refuse special-use addresses, an SSRF
    // guard; outside production, loopback is let through so clients on this machine work.
    ...(config.production ? {} : { fetch: allowLoopbackOutsideProduction }),
    // Browsers may call the token, userinfo and revocation endpoints from a client's own origins.
    clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((uri) => new URL(uri).origin === origin) ?? false,
  };
  const provider = new Provider(config.issuer, configuration);
  provider.proxy = config.trustProxy;
  keepOrganizationOnGrants(provider);
  // RFC 8693 is offered (and advertised) only when a policy says who may use it.
  if (config.tokenExchange.length) {
    provider.registerGrantType(TOKEN_EXCHANGE, tokenExchangeHandler({
      issuer: config.issuer, rules: config.tokenExchange, signingKeys, resourceServer: (id) => servers.get(id),
      onExchange: (exchange) => provider.emit(TOKEN_EXCHANGE_EVENT, exchange),
    }) as never, new Set(TOKEN_EXCHANGE_PARAMETERS) as never);
  }
  return provider;
}
