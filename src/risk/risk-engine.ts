import type { RiskSignalName } from '../config/config.ts';

export type RiskDecision = 'allow' | 'mfa' | 'deny';

/** One signal's part in a decision: whether it fired, its weight, and why, in words. */
export interface SignalResult {
  name: RiskSignalName;
  fired: boolean;
  weight: number;
  reason: string;
}

export interface RiskAssessment {
  score: number;
  decision: RiskDecision;
  signals: SignalResult[];
}

/** What is known of this sign-in attempt and of the account's past (successful sign-ins, failures). */
export interface RiskFacts {
  deviceId?: string;
  network: string;
  userAgentFamily: string;
  hour: number;
  /** Successful sign-ins of the account, recent ones. */
  past: { deviceId: string | null; network: string; userAgentFamily: string; hour: number }[];
  accountFailures: number;
  ipFailures: number;
}

export const DEFAULT_WEIGHTS: Record<RiskSignalName, number> = {
  new_device: 30, new_network: 20, account_failures: 30, ip_failures: 30, unusual_hour: 15, new_user_agent: 10,
};

/** Failures in the last hour from which the failure signals fire. */
export const FAILURE_THRESHOLDS = { account: 3, ip: 10 };

/**
 * A rule-based, explainable score: each signal that fires adds its weight; the total maps to
 * allow, a second factor, or a refusal. Signals about the account's habits fire only once it has
 * a history to compare with, so a first sign-in is not treated as an anomaly.
 */
export function assessRisk(facts: RiskFacts, settings: { weights: Partial<Record<RiskSignalName, number>>; mfaAt: number; denyAt: number }): RiskAssessment {
  const weights = { ...DEFAULT_WEIGHTS, ...settings.weights };
  const known = facts.past.length > 0;
  const seen = <K extends keyof RiskFacts['past'][number]>(key: K, value: RiskFacts['past'][number][K]) => facts.past.some((p) => p[key] === value);
  const hourGap = (a: number, b: number) => Math.min(Math.abs(a - b), 24 - Math.abs(a - b));
  const rules: [RiskSignalName, boolean, string][] = [
    ['new_device', known && !(facts.deviceId && seen('deviceId', facts.deviceId)), 'this browser has not signed in to the account before'],
    ['new_network', known && !seen('network', facts.network), `the network ${facts.network} has not been used by the account before`],
    ['account_failures', facts.accountFailures >= FAILURE_THRESHOLDS.account, `${facts.accountFailures} failed sign-ins for the account in the last hour`],
    ['ip_failures', facts.ipFailures >= FAILURE_THRESHOLDS.ip, `${facts.ipFailures} failed sign-ins from this address in the last hour`],
    ['unusual_hour', facts.past.length >= 5 && !facts.past.some((p) => hourGap(p.hour, facts.hour) <= 2), `the account does not usually sign in around ${facts.hour}:00 UTC`],
    ['new_user_agent', known && !seen('userAgentFamily', facts.userAgentFamily), `${facts.userAgentFamily} has not been used with the account before`],
  ];
  const signals = rules.map(([name, fired, reason]) => ({ name, fired, weight: weights[name], reason }));
  const score = signals.reduce((sum, s) => sum + (s.fired ? s.weight : 0), 0);
  const decision: RiskDecision = score >= settings.denyAt ? 'deny' : score >= settings.mfaAt ? 'mfa' : 'allow';
  return { score, decision, signals };
}

/** The network an address belongs to: its /24 for IPv4, its /48 for IPv6. */
export function networkOf(ip: string): string {
  const v4 = ip.replace(/^::ffff:/, '');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(v4)) return `${v4.split('.').slice(0, 3).join('.')}.0/24`;
  const groups = ip.split('::')[0]!.split(':');
  return `${groups.slice(0, 3).join(':')}::/48`;
}

/** A user agent's browser and platform without versions: "Firefox on Linux". */
export function userAgentFamily(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  const browser = [['Edg/', 'Edge'], ['OPR/', 'Opera'], ['Firefox/', 'Firefox'], ['Chrome/', 'Chrome'], ['Safari/', 'Safari']]
    .find(([mark]) => ua.includes(mark!))?.[1] ?? (ua.split('/')[0]?.trim() || 'an unknown client');
  const platform = [['Windows', 'Windows'], ['Android', 'Android'], ['iPhone', 'iOS'], ['iPad', 'iOS'], ['Mac OS', 'macOS'], ['Linux', 'Linux']]
    .find(([mark]) => ua.includes(mark!))?.[1];
  return platform ? `${browser} on ${platform}` : browser!;
}
