import { settings } from './schema.ts';
import { toConfig, type Config } from './config.ts';

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/**
 * Validates the environment once and reports every problem at once, each naming its setting.
 * Production fails closed: no generated secrets, no embedded database, no plain-HTTP issuer.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = settings.safeParse(defined);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const config = toConfig(parsed.data, cwd);
  const problems = config.production ? productionProblems(config) : [];
  const redisSettings = ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'].filter((name) => defined[name]);
  if (redisSettings.length > 1) problems.push(`${redisSettings.join(', ')}: give one of them, not several`);
  if (config.cookieKeys?.some((k) => k.length < 32)) problems.push('COOKIE_KEYS: each secret must be at least 32 characters');
  if (config.risk.mfaAt >= config.risk.denyAt) problems.push('RISK_MFA_SCORE: must be lower than RISK_DENY_SCORE');
  if (problems.length) throw new ConfigError(problems);
  return config;
}

function productionProblems(config: Config): string[] {
  const problems: string[] = [];
  if (!config.cookieKeys?.length) problems.push('COOKIE_KEYS: required in production (comma-separated secrets of 32+ characters)');
  if (!config.pairwiseSalt) problems.push('PAIRWISE_SALT: required in production (a secret of 32+ characters that never changes)');
  if (!config.databaseUrl) problems.push('DATABASE_URL: required in production; the embedded database is for development');
  if (!config.mail.smtpUrl) problems.push('SMTP_URL: required in production, to send verification, reset and sign-in mail');
  if (!config.issuer.startsWith('https://')) problems.push('ISSUER: must be an https:// URL in production');
  return problems;
}
