import type { Config } from '../config/config.ts';
import type { SecurityEventStore } from '../accounts/security-events.ts';
import { assessRisk, networkOf, userAgentFamily, type RiskAssessment } from './risk-engine.ts';

export interface Attempt {
  ip: string;
  userAgent?: string;
  deviceId?: string;
}

const HOUR = 3600_000;

/** Gathers the facts of a sign-in from the security events and scores it. */
export function createRiskService(events: SecurityEventStore, settings: Config['risk']) {
  return {
    async assess(accountId: string, attempt: Attempt, now = new Date()): Promise<RiskAssessment> {
      const since = new Date(now.getTime() - HOUR);
      const [past, failures] = await Promise.all([
        events.signInOrigins(accountId, 200, new Date(now.getTime() - 90 * 24 * HOUR)),
        events.failuresSince(since, accountId, attempt.ip),
      ]);
      const assessment = assessRisk({
        deviceId: attempt.deviceId, network: networkOf(attempt.ip), userAgentFamily: userAgentFamily(attempt.userAgent), hour: now.getUTCHours(),
        past: past.map((e) => ({
          deviceId: e.deviceId, network: networkOf(e.ip ?? ''), userAgentFamily: userAgentFamily(e.userAgent ?? undefined), hour: e.createdAt.getUTCHours(),
        })),
        accountFailures: failures.account, ipFailures: failures.ip,
      }, settings);
      return assessment;
    },

    /** Stores a decision that changed the sign-in (a second factor, a refusal) with its breakdown, as an event of its own. */
    record: (accountId: string, attempt: Attempt, assessment: RiskAssessment) => events.record({
      accountId, kind: 'risk_decision', ip: attempt.ip, userAgent: attempt.userAgent ?? null, deviceId: attempt.deviceId ?? null,
      detail: { ...assessment },
    }),
  };
}

export type RiskService = ReturnType<typeof createRiskService>;
