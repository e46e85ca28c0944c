import path from 'node:path';
import type { Settings } from './schema.ts';

export interface HostPort { host: string; port: number }

/** Where Redis is: one node, a Sentinel-watched master, or a Cluster. */
export type RedisTarget =
  | { mode: 'single'; url: string }
  | { mode: 'sentinel'; sentinels: HostPort[]; master: string; password?: string }
  | { mode: 'cluster'; nodes: HostPort[]; password?: string };

/** An API that access tokens can be issued for (RFC 8707): its audience, scopes and token format. */
export interface ResourceServerSetting {
  identifier: string;
  scopes: string;
  format: 'jwt' | 'opaque';
  ttl?: number;
  alg?: 'RS256' | 'ES256';
}

/** Which client may exchange user tokens (RFC 8693) for which audiences and scopes, and how. */
export interface TokenExchangeRule {
  client: string;
  audiences: string[];
  scopes: string[];
  impersonation: boolean;
  delegation: boolean;
}

export interface Brand { name: string; logoUrl?: string; color: string }

/** The validated, resolved configuration every factory receives. */
export interface Config {
  production: boolean;
  issuer: string;
  port: number;
  host: string;
  trustProxy: boolean;
  databaseUrl?: string;
  redis?: RedisTarget;
  redisKeyPrefix: string;
  dataDir: string;
  importFile?: string;
  keysFile: string;
  inlineJwks?: string;
  cookieKeys?: string[];
  pairwiseSalt?: string;
  logLevel: Settings['LOG_LEVEL'];
  metrics: { token?: string; port?: number };
  brand: Brand;
  defaultResource: string;
  defaultResourceScopes: string;
  resourceServers: ResourceServerSetting[];
  tokenExchange: TokenExchangeRule[];
  accessTokenSigningAlg: 'RS256' | 'ES256';
  par: { required: boolean };
  dpopRequireNonce: boolean;
  registration: boolean;
  ttl: { accessToken: number; idToken: number; refreshToken: number; session: number };
  limits: { loginPerIpPerMinute: number; lockoutThreshold: number; lockoutSeconds: number; hashQueue: number; codesPerAccount: number };
  mail: { smtpUrl?: string; from: string; outbox: string };
  signIn: { registration: boolean; emailCode: boolean; magicLink: boolean; emailTokenTtl: number; emailCodeTtl: number };
  risk: { weights: Partial<Record<RiskSignalName, number>>; mfaAt: number; denyAt: number };
  saml: { entityId: string; certFile: string; keyFile: string; nextCertFile?: string; requireSignedRequests: boolean };
  audit: { retentionDays?: number };
  webhooks: { timeoutMs: number; pollMs: number; backoffMinMs: number; backoffMaxMs: number; retentionDays: number };
}

export type RiskSignalName = 'new_device' | 'new_network' | 'account_failures' | 'ip_failures' | 'unusual_hour' | 'new_user_agent';

export function toConfig(s: Settings, cwd: string): Config {
  const production = s.NODE_ENV === 'production';
  const dataDir = path.resolve(cwd, s.GATEHOUSE_DATA_DIR);
  const issuer = s.ISSUER.replace(/\/$/, '');
  return {
    production,
    issuer,
    port: s.PORT,
    host: s.HOST,
    trustProxy: s.TRUST_PROXY,
    databaseUrl: s.DATABASE_URL,
    redis: redisTarget(s),
    redisKeyPrefix: s.REDIS_KEY_PREFIX,
    dataDir,
    importFile: s.GATEHOUSE_IMPORT && path.resolve(cwd, s.GATEHOUSE_IMPORT),
    keysFile: path.resolve(cwd, s.GATEHOUSE_KEYS_FILE ?? (production ? 'keys/jwks.json' : path.join(dataDir, 'jwks.json'))),
    inlineJwks: s.GATEHOUSE_JWKS,
    pairwiseSalt: s.PAIRWISE_SALT,
    cookieKeys: s.COOKIE_KEYS?.split(',').map((k) => k.trim()).filter(Boolean),
    logLevel: s.LOG_LEVEL,
    metrics: { token: s.METRICS_TOKEN, port: s.METRICS_PORT },
    brand: { name: s.BRAND_NAME, logoUrl: s.BRAND_LOGO_URL, color: s.BRAND_COLOR },
    defaultResource: s.DEFAULT_RESOURCE ?? `${issuer}/api`,
    defaultResourceScopes: s.DEFAULT_RESOURCE_SCOPES,
    resourceServers: s.RESOURCE_SERVERS ?? [],
    tokenExchange: s.TOKEN_EXCHANGE_POLICY ?? [],
    accessTokenSigningAlg: s.ACCESS_TOKEN_SIGNING_ALG,
    par: { required: s.REQUIRE_PAR },
    dpopRequireNonce: s.DPOP_REQUIRE_NONCE,
    registration: s.REGISTRATION === 'initial-access-token',
    ttl: {
      accessToken: s.ACCESS_TOKEN_TTL,
      idToken: s.ID_TOKEN_TTL,
      refreshToken: s.REFRESH_TOKEN_TTL,
      session: s.SESSION_TTL,
    },
    limits: {
      loginPerIpPerMinute: s.LOGIN_RATE_LIMIT,
      lockoutThreshold: s.LOCKOUT_THRESHOLD,
      lockoutSeconds: s.LOCKOUT_SECONDS,
      hashQueue: s.PASSWORD_HASH_QUEUE,
      codesPerAccount: s.CODE_RATE_LIMIT,
    },
    mail: {
      smtpUrl: s.SMTP_URL,
      from: s.MAIL_FROM ?? `${s.BRAND_NAME} <no-reply@${new URL(issuer).hostname}>`,
      outbox: path.join(dataDir, 'outbox'),
    },
    signIn: {
      registration: s.ACCOUNT_REGISTRATION,
      emailCode: s.EMAIL_CODE_SIGNIN,
      magicLink: s.MAGIC_LINK_SIGNIN,
      emailTokenTtl: s.EMAIL_TOKEN_TTL,
      emailCodeTtl: s.EMAIL_CODE_TTL,
    },
    risk: { weights: s.RISK_WEIGHTS ?? {}, mfaAt: s.RISK_MFA_SCORE, denyAt: s.RISK_DENY_SCORE },
    saml: samlSettings(s, cwd, issuer, production, dataDir),
    audit: { retentionDays: s.AUDIT_RETENTION_DAYS },
    webhooks: {
      timeoutMs: s.WEBHOOK_TIMEOUT_MS, pollMs: s.WEBHOOK_POLL_MS, backoffMinMs: s.WEBHOOK_BACKOFF_MIN_MS,
      backoffMaxMs: s.WEBHOOK_BACKOFF_MAX_SECONDS * 1000, retentionDays: s.WEBHOOK_RETENTION_DAYS,
    },
  };
}

function samlSettings(s: Settings, cwd: string, issuer: string, production: boolean, dataDir: string): Config['saml'] {
  const certFile = path.resolve(cwd, s.SAML_CERT_FILE ?? (production ? 'keys/saml.crt' : path.join(dataDir, 'saml.crt')));
  return {
    entityId: s.SAML_ENTITY_ID ?? `${issuer}/saml/metadata`,
    certFile,
    keyFile: path.resolve(cwd, s.SAML_KEY_FILE ?? path.join(path.dirname(certFile), 'saml.key')),
    nextCertFile: s.SAML_NEXT_CERT_FILE && path.resolve(cwd, s.SAML_NEXT_CERT_FILE),
    requireSignedRequests: s.SAML_REQUIRE_SIGNED_REQUESTS,
  };
}

function redisTarget(s: Settings): RedisTarget | undefined {
  if (s.REDIS_SENTINELS) return { mode: 'sentinel', sentinels: s.REDIS_SENTINELS, master: s.REDIS_SENTINEL_MASTER, password: s.REDIS_PASSWORD };
  if (s.REDIS_CLUSTER_NODES) return { mode: 'cluster', nodes: s.REDIS_CLUSTER_NODES, password: s.REDIS_PASSWORD };
  return s.REDIS_URL ? { mode: 'single', url: s.REDIS_URL } : undefined;
}
