import { z } from 'zod';

// Every setting Gatehouse reads from the environment: its type, default and meaning.
// Only src/config reads process.env; everything else receives a Config.

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const url = z.url({ protocol: /^https?$/ });
/** A setting holding JSON, parsed before its schema checks it. */
const json = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be JSON' });
    return z.NEVER;
  }
});

const resourceServers = json.pipe(z.array(z.strictObject({
  identifier: z.url().refine((u) => !u.includes('#'), 'must not contain a fragment (RFC 8707 §2)'),
  scopes: z.string().min(1),
  format: z.enum(['jwt', 'opaque']).default('jwt'),
  ttl: z.number().int().min(30).max(86400).optional(),
  alg: z.enum(['RS256', 'ES256']).optional(),
})));

const tokenExchangePolicy = json.pipe(z.array(z.strictObject({
  client: z.string().min(1),
  audiences: z.array(z.url()).min(1),
  scopes: z.array(z.string().min(1)).min(1),
  impersonation: z.boolean().default(false),
  delegation: z.boolean().default(false),
})));

const hostPorts = z.string().transform((value, ctx) => value.split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
  const match = /^(.+):(\d{1,5})$/.exec(entry);
  if (!match) ctx.addIssue({ code: 'custom', message: `"${entry}" is not host:port` });
  return { host: match?.[1] ?? '', port: Number(match?.[2] ?? 0) };
}));

export const settings = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development')
    .describe('production refuses to start without real secrets, keys and database'),
  ISSUER: url.default('http://localhost:3000')
    .describe('public base URL; the OpenID issuer identifier'),
  PORT: int(0, 65535).default(3000).describe('TCP port to listen on'),
  HOST: z.string().min(1).default('127.0.0.1').describe('interface to listen on'),
  TRUST_PROXY: bool.default(false)
    .describe('trust X-Forwarded-* headers from a reverse proxy in front of Gatehouse'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional()
    .describe('PostgreSQL connection URL; unset starts the embedded PostgreSQL'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional()
    .describe('Redis URL for sessions, codes and rate limits; unset keeps them in PostgreSQL and in process'),
  REDIS_SENTINELS: hostPorts.optional()
    .describe('Redis Sentinel addresses (host:port,host:port), instead of REDIS_URL'),
  REDIS_SENTINEL_MASTER: z.string().min(1).default('mymaster').describe('the master name the sentinels watch'),
  REDIS_CLUSTER_NODES: hostPorts.optional()
    .describe('Redis Cluster seed nodes (host:port,host:port), instead of REDIS_URL'),
  REDIS_PASSWORD: z.string().min(1).optional().describe('password for Sentinel or Cluster nodes (with REDIS_URL, put it in the URL)'),
  REDIS_KEY_PREFIX: z.string().default('gatehouse:').describe('prefix of every Redis key'),
  GATEHOUSE_DATA_DIR: z.string().min(1).default('data')
    .describe('embedded database, generated development secrets and keys'),
  GATEHOUSE_IMPORT: z.string().min(1).optional().describe('import file applied at start'),
  GATEHOUSE_KEYS_FILE: z.string().min(1).optional()
    .describe('private JWKS file; default keys/jwks.json in production, DATA_DIR/jwks.json otherwise'),
  GATEHOUSE_JWKS: z.string().min(1).optional().describe('private JWKS as JSON, instead of a keys file'),
  COOKIE_KEYS: z.string().optional()
    .describe('comma-separated cookie signing secrets (32+ characters each), newest first; required in production'),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional()
    .describe('bearer token /metrics requires; unset serves metrics to anyone who can reach them'),
  METRICS_PORT: int(1, 65535).optional()
    .describe('serve /metrics on this port (on HOST) instead of the main one'),
  PAIRWISE_SALT: z.string().min(32, 'must be at least 32 characters').optional()
    .describe('secret salt of pairwise subject identifiers (never change it); required in production'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BRAND_NAME: z.string().min(1).max(60).default('Gatehouse').describe('name shown on pages'),
  BRAND_LOGO_URL: url.optional().describe('logo shown on pages'),
  BRAND_COLOR: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1f6feb').default('#1f6feb')
    .describe('accent colour of pages'),
  DEFAULT_RESOURCE: z.url().optional()
    .describe('RFC 8707 resource for client_credentials tokens that name none; default ISSUER/api'),
  DEFAULT_RESOURCE_SCOPES: z.string().default('api').describe('scopes the default resource accepts'),
  TOKEN_EXCHANGE_POLICY: tokenExchangePolicy.optional()
    .describe('JSON list of who may exchange tokens (RFC 8693): [{"client","audiences","scopes","impersonation","delegation"}]'),
  RESOURCE_SERVERS: resourceServers.optional()
    .describe('JSON list of resource servers: [{"identifier","scopes","format":"jwt|opaque","ttl","alg"}]'),
  REGISTRATION: z.enum(['off', 'initial-access-token']).default('off')
    .describe('dynamic client registration (RFC 7591/7592): off, or open to holders of an initial access token'),
  REQUIRE_PAR: bool.default(false)
    .describe('every authorization request must be pushed first (RFC 9126 §5); clients can also require it one by one'),
  DPOP_REQUIRE_NONCE: bool.default(false)
    .describe('DPoP proofs must carry a server-provided nonce (RFC 9449 §8)'),
  ACCESS_TOKEN_SIGNING_ALG: z.enum(['RS256', 'ES256']).default('RS256')
    .describe('algorithm of JWT access tokens (RFC 9068 §4: resource servers must support RS256)'),
  ACCESS_TOKEN_TTL: int(60, 86400).default(3600).describe('access token lifetime, seconds'),
  ID_TOKEN_TTL: int(60, 86400).default(3600).describe('ID token lifetime, seconds'),
  REFRESH_TOKEN_TTL: int(300, 31536000).default(1209600).describe('refresh token lifetime, seconds'),
  SESSION_TTL: int(300, 31536000).default(1209600).describe('sign-in session lifetime, seconds'),
  LOGIN_RATE_LIMIT: int(1, 100000).default(30).describe('sign-in attempts per IP address per minute'),
  LOCKOUT_THRESHOLD: int(1, 1000).default(5).describe('failed sign-ins that lock an account'),
  LOCKOUT_SECONDS: int(1, 86400).default(900).describe('how long a locked account stays locked'),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional()
    .describe('SMTP server for account mail (smtp://user:pass@host:587 or smtps://…); required in production, else mail lands in DATA_DIR/outbox'),
  MAIL_FROM: z.string().min(3).optional().describe('sender of account mail; default "BRAND_NAME <no-reply@ISSUER host>"'),
  ACCOUNT_REGISTRATION: bool.default(false).describe('people may create their own accounts (with email verification)'),
  EMAIL_CODE_SIGNIN: bool.default(false).describe('offer sign-in with a one-time code sent by email'),
  MAGIC_LINK_SIGNIN: bool.default(false).describe('offer sign-in with a link sent by email'),
  EMAIL_TOKEN_TTL: int(60, 604800).default(3600).describe('lifetime of email verification, reset and sign-in links, seconds'),
  EMAIL_CODE_TTL: int(60, 3600).default(600).describe('lifetime of one-time codes sent by email, seconds'),
  CODE_RATE_LIMIT: int(1, 1000).default(5).describe('wrong codes (TOTP, recovery, email) in a row that lock code entry for the account for 15 minutes'),
  RISK_WEIGHTS: json.pipe(z.record(z.enum(['new_device', 'new_network', 'account_failures', 'ip_failures', 'unusual_hour', 'new_user_agent']),
    z.number().int().min(0).max(100))).optional()
    .describe('JSON weights of the risk signals, e.g. {"new_device":30,"ip_failures":40}; unnamed signals keep their defaults'),
  RISK_MFA_SCORE: int(1, 1000).default(50).describe('risk score from which a sign-in needs a second factor'),
  RISK_DENY_SCORE: int(1, 1000).default(90).describe('risk score from which a sign-in is refused'),
  SAML_ENTITY_ID: z.string().min(1).optional().describe('the SAML IdP entity ID; default ISSUER/saml/metadata'),
  SAML_CERT_FILE: z.string().min(1).optional()
    .describe('PEM certificate the SAML IdP signs with; default keys/saml.crt in production, DATA_DIR/saml.crt (generated) otherwise'),
  SAML_KEY_FILE: z.string().min(1).optional().describe('PEM private key of SAML_CERT_FILE; default beside it (saml.key)'),
  SAML_NEXT_CERT_FILE: z.string().min(1).optional()
    .describe('PEM certificate published in the SAML metadata before it signs, for a rollover'),
  SAML_REQUIRE_SIGNED_REQUESTS: bool.default(false).describe('refuse unsigned SAML AuthnRequests from every service provider'),
  PASSWORD_HASH_QUEUE: int(0, 10000).default(32)
    .describe('sign-ins that may wait for a password hash slot before answering 429'),
  AUDIT_RETENTION_DAYS: int(1, 36500).optional()
    .describe('delete audit entries older than this many days, up to a signed checkpoint that stays as the anchor; unset keeps them forever'),
  WEBHOOK_TIMEOUT_MS: int(100, 60000).default(10000).describe('bound of one webhook delivery attempt, milliseconds'),
  WEBHOOK_POLL_MS: int(10, 60000).default(1000).describe('how often each node looks for due webhook deliveries, milliseconds'),
  WEBHOOK_BACKOFF_MIN_MS: int(10, 3600000).default(5000)
    .describe('delay before retrying a failed webhook delivery, milliseconds; doubles with each failure (with jitter)'),
  WEBHOOK_BACKOFF_MAX_SECONDS: int(1, 86400).default(3600).describe('longest delay between webhook delivery retries, seconds'),
  WEBHOOK_RETENTION_DAYS: int(1, 3650).default(7).describe('delivered webhook events are kept this many days'),
});

export type Settings = z.infer<typeof settings>;
