import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

import type { PoolStats } from '../store/open-store.ts';

/** Every metric Gatehouse exports, in a registry of its own (so two apps can share a process). */
export function createMetrics(poolStats: () => PoolStats) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gatehouse_' });
  const registers = [registry];
  const metrics = {
    registry,
    httpDuration: new Histogram({
      name: 'gatehouse_http_request_duration_seconds', help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers,
    }),
    signIns: new Counter({
      name: 'gatehouse_sign_ins_total', help: 'Sign-in attempts by method and outcome', labelNames: ['method', 'outcome'], registers,
    }),
    tokens: new Counter({
      name: 'gatehouse_tokens_issued_total', help: 'Successful token endpoint responses by grant type', labelNames: ['grant_type'], registers,
    }),
    mfaChallenges: new Counter({
      name: 'gatehouse_mfa_challenges_total', help: 'Second factors asked for, by reason (enrolled, acr, risk, organization)', labelNames: ['reason'], registers,
    }),
    samlResponses: new Counter({
      name: 'gatehouse_saml_responses_total', help: 'SAML responses sent to service providers, by status', labelNames: ['status'], registers,
    }),
    rateLimited: new Counter({
      name: 'gatehouse_rate_limit_refusals_total', help: 'Requests refused by a rate limit, lockout or the hashing queue', labelNames: ['limit'], registers,
    }),
    webhookDeliveries: new Counter({
      name: 'gatehouse_webhook_deliveries_total', help: 'Webhook delivery attempts by outcome (delivered, failed)', labelNames: ['outcome'], registers,
    }),
    storeLatency: new Histogram({
      name: 'gatehouse_store_call_duration_seconds', help: 'PostgreSQL and Redis call latency', labelNames: ['backend', 'operation'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers,
    }),
  };
  new Gauge({
    name: 'gatehouse_postgres_pool_connections', help: 'PostgreSQL pool connections by state', labelNames: ['state'], registers,
    collect() {
      const { total, idle, waiting } = poolStats();
      this.set({ state: 'total' }, total);
      this.set({ state: 'idle' }, idle);
      this.set({ state: 'waiting' }, waiting);
    },
  });
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;

// Sign-in outcomes that are refusals by a limit, by the limit's name.
const LIMITS: Record<string, string> = { rate_limited: 'login_ip', account_locked: 'lockout', busy: 'password_hashing' };

/** Counts a sign-in attempt, and a limit's refusal when that is what it was. */
export const signInRecorder = (metrics: Metrics) => (method: string, outcome: string) => {
  metrics.signIns.inc({ method, outcome });
  const limit = LIMITS[outcome];
  if (limit) metrics.rateLimited.inc({ limit });
};
