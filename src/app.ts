import type { EventEmitter } from 'node:events';
import type { JWK } from 'jose';
import Koa from 'koa';
import mount from 'koa-mount';
import type Provider from 'oidc-provider';
import type { Logger } from 'pino';
import type { Config } from './config/config.ts';
import { AppError } from './app-error.ts';
import { createAccountService, type AccountService } from './accounts/account-service.ts';
import { PasswordHasher } from './accounts/password-hasher.ts';
import { createClientService, type ClientService } from './clients/client-service.ts';
import { createAssetsRouter } from './http/assets.ts';
import { createCsrf } from './http/csrf.ts';
import { errorHandler } from './http/errors.ts';
import { securityHeaders } from './http/security-headers.ts';
import { providerFastPath } from './http/provider-fast-path.ts';
import { createRenderer, type Render } from './http/views.ts';
import { createInteractionRouters } from './interactions/routes.ts';
import { createHealthRouter } from './ops/health.ts';
import { requestLog } from './http/request-log.ts';
import { createMetrics, signInRecorder, type Metrics } from './ops/metrics.ts';
import { createMetricsRouter } from './ops/metrics-router.ts';
import { loadCookieKeys, loadPairwiseSalt, loadSigningKeys } from './keys/load-keys.ts';
import { providerJwks } from './keys/signing-keys.ts';
import { createProvider, TOKEN_EXCHANGE_EVENT } from './provider/create-provider.ts';
import { reloadKeys } from './provider/reload-keys.ts';
import { metadataCache } from './provider/metadata-cache.ts';
import { openStore, type Store } from './store/open-store.ts';
import { createLogger } from './log.ts';
import { createAccountFlows, type AccountFlows } from './accounts/account-flows.ts';
import { createAccountRoutes } from './accounts/routes.ts';
import { createSelfServiceRoutes } from './accounts/self-service-routes.ts';
import { createEmailTokens } from './accounts/email-tokens.ts';
import { createEmailSignIn, type EmailSignIn } from './accounts/email-sign-in.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { createEmailCodes } from './mfa/email-code.ts';
import { createMfa, type Mfa } from './mfa/mfa-service.ts';
import { createRecoveryCodes } from './mfa/recovery-codes.ts';
import { createTotp } from './mfa/totp.ts';
import { createPasskeys } from './mfa/passkeys.ts';
import { createRiskService, type RiskService } from './risk/risk-service.ts';
import { createSignIn } from './interactions/sign-in.ts';
import { loadSamlCredentials } from './saml/certificate.ts';
import { createSpRegistry, type SpRegistry } from './saml/sp-registry.ts';
import { idpMetadata } from './saml/idp/idp-metadata.ts';
import { createSamlSso, type SamlSso } from './saml/idp/sso.ts';
import { createSamlIdpRoutes, samlLogoutAfterOidcLogout } from './saml/idp/routes.ts';
import { createSamlLogout, type SamlLogout } from './saml/idp/logout.ts';
import { sessionEnder } from './provider/end-session.ts';
import { createFederation, type Federation } from './federation/federation-service.ts';
import { createOidcUpstreams } from './federation/oidc-upstream.ts';
import { createFederationRoutes } from './federation/routes.ts';
import { createSamlBridge, type SamlBridge } from './saml/sp-bridge/bridge.ts';
import { createSpBridgeRoutes } from './saml/sp-bridge/routes.ts';
import type { RecordChange } from './audit/changes.ts';
import { createAdminServices, type AdminServices } from './admin/admin-services.ts';
import { createAdminApi } from './admin/api/admin-api.ts';
import { adminRoutes } from './admin/api/admin-routes.ts';
import { adminAuthenticator } from './admin/api/auth.ts';
import { createAdminUiRouter } from './admin/ui/routes.ts';
import { createOrganizationService, type OrganizationService } from './organizations/organization-service.ts';
import { createOrganizationRoutes } from './organizations/routes.ts';
import { createWebhookService, type WebhookService } from './webhooks/webhook-service.ts';
import { auditProviderEvents } from './audit/provider-events.ts';
import { createApiKeyService, type ApiKeyService } from './api-keys/api-key-service.ts';
import { hashApiKeySecrets } from './api-keys/secret-hashing.ts';
import { isApiKeyId } from './api-keys/api-key.ts';
import { resourceServers } from './provider/resources.ts';
import { adminResource } from './admin/api/admin-resource.ts';

/** Storage, keys, the authorization server and the services: everything but HTTP. */
export interface Core {
  config: Config;
  store: Store;
  provider: Provider;
  accounts: AccountService;
  clients: ClientService;
  apiKeys: ApiKeyService;
  hasher: PasswordHasher;
  mailer: Mailer;
  flows: AccountFlows;
  mfa: Mfa;
  risk: RiskService;
  emailSignIn: EmailSignIn;
  /** The SP registry, and the IdP itself unless it is off (production without a SAML certificate). */
  federation: Federation;
  saml: { registry: SpRegistry; idp?: { sso: SamlSso; logout: SamlLogout; metadata: string }; bridge?: SamlBridge };
  render: Render;
  cookieKeys: string[];
  /** The private signing keys the provider signs with now. */
  readonly signingKeys: JWK[];
  metrics: Metrics;
  /** Records an admin change (who, what, a secret-free before/after diff) in the audit log. */
  recordChange: RecordChange;
  /** The operators' service layer, shared by the CLI, the admin API and the admin UI. */
  admin: AdminServices;
  /** Organizations (multi-tenancy): branding, policy, memberships, invitations. */
  organizations: OrganizationService;
  webhooks: WebhookService;
  /** Runs after the signing keys were reloaded (a rotation somewhere). */
  afterKeysReload(fn: () => void): void;
  close(): Promise<void>;
}

export async function createCore(config: Config, mode: 'serve' | 'share', log: Logger = createLogger('silent')): Promise<Core> {
  const opened: { store?: Store } = {};
  const metrics = createMetrics(() => opened.store?.poolStats() ?? { total: 0, idle: 0, waiting: 0 });
  const store = await openStore(config, {
    mode, observe: (backend, operation, seconds) => metrics.storeLatency.observe({ backend, operation }, seconds),
  });
  opened.store = store;
  try {
    await store.migrate();
    const cookieKeys = loadCookieKeys(config);
    const render = createRenderer(config.brand, config.production);
    const hasher = new PasswordHasher(config.limits.hashQueue);
    const accounts = createAccountService({ store: store.accounts, hasher, limiters: store.limiters, limits: config.limits });
    const mailer = createMailer(config.mail);
    const mfa = createMfa({
      factors: store.factors, totp: createTotp(store.factors, config.brand.name), recovery: createRecoveryCodes(store.factors),
      emailCodes: createEmailCodes(store.singleUse, mailer, config.brand.name, config.signIn.emailCodeTtl),
      passkeys: createPasskeys(store.factors, store.singleUse, { issuer: config.issuer, service: config.brand.name }),
      limiters: store.limiters, codesPerAccount: config.limits.codesPerAccount,
    });
    const recordChange = store.record;
    const organizations = createOrganizationService({
      store: store.organizations, transaction: store.transaction.bind(store), accounts: store.accounts, recordChange, production: config.production,
      mail: { mailer, issuer: config.issuer, service: config.brand.name },
    });
    const jwks = providerJwks(await loadSigningKeys(config));
    const live = { keys: jwks.keys }; // replaced when a rotation is announced
    const provider = createProvider({
      config, jwks, cookieKeys, pairwiseSalt: loadPairwiseSalt(config), signingKeys: () => live.keys, adapter: store.adapter, mfa, render,
      accounts: { findById: accounts.findById, permissionsOf: store.roles.permissionsOf, organizations }, apiKeys: store.apiKeys,
    });
    const servers = resourceServers(config);
    const apiKeys = createApiKeyService({
      store: store.apiKeys, transaction: store.transaction.bind(store), accountExists: async (id) => Boolean(await accounts.findById(id)),
      // any resource but the admin API, which only registered clients reach
      resourceScopes: (identifier = config.defaultResource) =>
        (identifier === adminResource(config.issuer) ? undefined : servers.get(identifier)?.scope.split(' ').filter(Boolean)),
    });
    const clients = createClientService(store.clients, (metadata) => provider.Client.validate(metadata));
    const tokens = createEmailTokens(store.singleUse);
    const emailSignIn = createEmailSignIn({
      accounts, mfa, tokens, mailer, limiters: store.limiters, issuer: config.issuer, service: config.brand.name, ttl: config.signIn.emailCodeTtl,
    });
    const flows = createAccountFlows({
      accounts, hasher, mailer, tokens, sessions: store.sessions, events: store.securityEvents,
      issuer: config.issuer, service: config.brand.name, tokenTtl: config.signIn.emailTokenTtl,
    });
    const samlCredentials = await loadSamlCredentials(config);
    if (!samlCredentials) log.warn({ certFile: config.saml.certFile }, 'SAML IdP off: no certificate; supply SAML_CERT_FILE and SAML_KEY_FILE to turn it on');
    const registry = createSpRegistry(store.samlServiceProviders);
    const saml = {
      registry,
      bridge: samlCredentials && createSamlBridge({ issuer: config.issuer, credentials: samlCredentials, pending: store.singleUse }),
      idp: samlCredentials && {
        metadata: idpMetadata({ entityId: config.saml.entityId, issuer: config.issuer, credentials: samlCredentials, requireSignedRequests: config.saml.requireSignedRequests }),
        sso: createSamlSso({
          entityId: config.saml.entityId, issuer: config.issuer, credentials: samlCredentials, registry, accounts, pending: store.singleUse,
          pairwiseSalt: loadPairwiseSalt(config), requireSignedRequests: config.saml.requireSignedRequests,
          participants: store.samlParticipants, sessionTtlSeconds: config.ttl.session,
        }),
        logout: createSamlLogout({
          entityId: config.saml.entityId, issuer: config.issuer, credentials: samlCredentials, registry, participants: store.samlParticipants,
          pending: store.singleUse, endSession: sessionEnder(provider, store.adapter('Session'), store.sessions, log),
        }),
      },
    };
    const reloaded: (() => void)[] = [];
    const webhooks = createWebhookService({ store: store.webhooks, transaction: store.transaction.bind(store), production: config.production });
    const core: Core = {
      config, store, provider, accounts, clients, apiKeys, hasher, mailer, flows, mfa, risk: createRiskService(store.securityEvents, config.risk), emailSignIn, saml, federation: createFederation(store.upstreams, accounts), render, cookieKeys, metrics,
      recordChange, organizations, webhooks, admin: createAdminServices({ config, store, accounts, hasher, clients, registry, organizations, webhooks, recordChange, apiKeys }),
      get signingKeys() {
        return live.keys;
      },
      afterKeysReload: (fn) => void reloaded.push(fn),
      close: async () => {
        mailer.close();
        await store.close();
      },
    };
    // A rotation by any process (gatehouse keys rotate) reaches every node without a restart.
    store.onKeysChanged(() => {
      loadSigningKeys(config).then((keys) => {
        const next = providerJwks(keys);
        reloadKeys(provider, next);
        live.keys = next.keys;
        reloaded.forEach((fn) => fn());
        log.info({ kids: next.keys.map((k) => k.kid) }, 'signing keys reloaded');
      }).catch((err: unknown) => log.error({ err }, 'signing keys could not be reloaded; the previous ones stay in use'));
    });
    return core;
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** RFC 8414 §3: the same metadata at the OAuth 2.0 authorization server well-known path. */
const oauthMetadataAlias: Koa.Middleware = async (ctx, next) => {
  if (ctx.path === '/.well-known/oauth-authorization-server') ctx.path = '/.well-known/openid-configuration';
  await next();
};

/** The HTTP application: our routes first, oidc-provider mounted last. */
export function createApp(core: Core, log: Logger): Koa {
  const { config, provider, accounts, render } = core;
  const app = new Koa({ proxy: config.trustProxy });
  app.silent = true;
  app.keys = core.cookieKeys; // koa-mount runs oidc-provider on this app's context, cookies included
  app.use(requestLog(log, core.metrics.httpDuration));
  app.use(securityHeaders({ issuer: config.issuer, logoUrl: config.brand.logoUrl }));
  app.use(errorHandler(render, log));
  const providerApp = mount(provider);
  // API keys authenticate as clients by the hash of their secret: hashed before oidc-provider
  // sees them, on the fast path as at the end of the chain
  const authorizationServer: Koa.Middleware = (ctx, next) => hashApiKeySecrets(ctx, () => providerApp(ctx, next));
  app.use(providerFastPath(authorizationServer));
  // discovery and the JWKS, from memory, before any router looks at the path
  app.use(oauthMetadataAlias);
  const metadata = metadataCache();
  core.afterKeysReload(metadata.forget);
  app.use(metadata.middleware);
  const csrf = createCsrf(core.cookieKeys[0]!);
  const samlIdp = core.saml.idp;
  const onSignIn = signInRecorder(core.metrics);
  const signIn = createSignIn({
    provider, mfa: core.mfa, risk: core.risk, events: core.store.securityEvents, pending: core.store.singleUse, onSignIn, organizations: core.organizations,
    onMfaRequired: (reasons) => reasons.forEach((reason) => core.metrics.mfaChallenges.inc({ reason })),
  });
  const bridge = core.saml.bridge;
  const federationRoutes = createFederationRoutes({
    provider, upstreams: core.store.upstreams, federation: core.federation, signIn, events: core.store.securityEvents, pending: core.store.singleUse,
    oidc: createOidcUpstreams({ issuer: config.issuer, pending: core.store.singleUse, production: config.production }),
    samlStart: (upstream, uid) => (bridge ? bridge.start(upstream, uid) : Promise.reject(new AppError('saml_off', 503, 'SAML is not configured here.'))),
  });
  const spBridgeRouter = bridge && createSpBridgeRoutes({
    bridge, upstreams: core.store.upstreams, render, verified: federationRoutes.verified,
    endSessionsOf: async (upstreamId, subject) => {
      const accountId = await core.store.upstreams.linkedAccount(upstreamId, subject);
      if (accountId) await core.store.sessions.end(accountId, {});
    },
  });
  const routers = [
    createHealthRouter({ checks: core.store.checks, signingKeys: () => core.signingKeys }),
    createAssetsRouter(config.brand),
    ...createInteractionRouters({
      provider, accounts, mfa: core.mfa, emailSignIn: core.emailSignIn, csrf, render, onSignIn,
      signIn, federation: core.federation, organizations: core.organizations,
      upstreams: async () => (await core.store.upstreams.list()).map(({ id, displayName }) => ({ id, displayName })),
      options: { registration: config.signIn.registration, emailCode: config.signIn.emailCode, magicLink: config.signIn.magicLink },
    }),
    createOrganizationRoutes({ provider, organizations: core.organizations, accounts, csrf, render, issuer: config.issuer, registration: config.signIn.registration }),
    federationRoutes.router,
    ...(spBridgeRouter ? [spBridgeRouter] : []),
    createAccountRoutes({ flows: core.flows, csrf, render, limiters: core.store.limiters, registration: config.signIn.registration }),
    createSelfServiceRoutes({
      provider, accounts, flows: core.flows, mfa: core.mfa, factors: core.store.factors, sessions: core.store.sessions,
      events: core.store.securityEvents, pending: core.store.singleUse, csrf, render, issuer: config.issuer,
    }),
    createAdminUiRouter({ provider, admin: core.admin, accounts, mfa: core.mfa, csrf, render, issuer: config.issuer }),
    ...(samlIdp ? [createSamlIdpRoutes({
      ...samlIdp, metadata: () => samlIdp.metadata, provider, render, issuer: config.issuer,
      onResponse: (status) => core.metrics.samlResponses.inc({ status }),
    })] : []),
    ...(config.metrics.port ? [] : [createMetricsRouter(core.metrics.registry, config.metrics.token)]),
  ];
  app.use(createAdminApi({
    routes: adminRoutes(core.admin, { production: config.production }), issuer: config.issuer, onUnexpected: (err) => log.error({ err }, 'admin API error'),
    authenticate: adminAuthenticator({ provider, issuer: config.issuer, findAccount: accounts.findById }),
  }));
  for (const router of routers) app.use(router.routes()).use(router.allowedMethods());
  if (samlIdp) {
    const sessionAdapter = core.store.adapter('Session');
    app.use(samlLogoutAfterOidcLogout({
      provider, participants: core.store.samlParticipants, logout: samlIdp.logout, render,
      sessionExists: async (uid) => Boolean(await sessionAdapter.findByUid(uid)),
    }));
  }
  provider.on('server_error', (_ctx, err) => log.error({ err }, 'authorization server error'));
  // the client's session outlives the sign-out it was not told of: operators need to see that
  provider.on('backchannel.error', (_ctx, err, client) => log.warn({ err, clientId: client.clientId }, 'back-channel logout failed'));
  provider.on('grant.success', (ctx) => core.metrics.tokens.inc({ grant_type: String(ctx.oidc.params?.grant_type ?? 'unknown') }));
  provider.on('grant.success', (ctx) => {
    const clientId = ctx.oidc.client?.clientId;
    if (isApiKeyId(clientId)) core.apiKeys.used(clientId).catch((err: unknown) => log.warn({ err, apiKey: clientId }, 'API key last use not recorded'));
  });
  // every token exchange is an event operators can follow (RFC 8693 §5)
  (provider as unknown as EventEmitter).on(TOKEN_EXCHANGE_EVENT, (exchange: object) => log.info({ event: 'token_exchange', ...exchange }, 'token exchanged'));
  auditProviderEvents({ provider, events: core.store.securityEvents, audit: core.store.audit, log, tokenExchangeEvent: TOKEN_EXCHANGE_EVENT });
  // last: oidc-provider (requests for its machine endpoints came straight here: providerFastPath;
  // middleware those requests need belongs in authorizationServer or before the fast path)
  app.use(authorizationServer);
  return app;
}
