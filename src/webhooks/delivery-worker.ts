import type { Logger } from 'pino';
import { signedHeaders } from './signature.ts';
import type { PendingDelivery, WebhookStore } from './webhook.ts';

export interface DeliverySettings {
  /** Bound of one attempt, connect to last byte. */
  timeoutMs: number;
  /** How often a node looks for due deliveries when idle. */
  pollMs: number;
  /** The first retry's delay; each further one doubles, up to backoffMaxMs. */
  backoffMinMs: number;
  backoffMaxMs: number;
  /** Delivered events are kept this long, then purged. */
  retentionDays: number;
}

interface Deps {
  store: WebhookStore;
  settings: DeliverySettings;
  log: Logger;
  onOutcome?: (outcome: 'delivered' | 'failed') => void;
}

const BATCH = 20;
const LEASE_MARGIN_MS = 30_000;
const PURGE_EVERY_MS = 10 * 60_000;

/** Exponential backoff (minMs, doubling per failure) with jitter (×0.5 to ×1.5), kept between minMs and maxMs. */
export function retryDelay(failures: number, minMs: number, maxMs: number, random = Math.random): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(failures, 30));
  return Math.round(Math.min(maxMs, Math.max(minMs, base * (0.5 + random()))));
}

/** Why an attempt failed, in words safe to keep: a status or a network reason, never a body. */
function failureOf(error: unknown, timeoutMs: number): string {
  const { name, cause } = error as { name?: string; cause?: { code?: string; message?: string } };
  if (name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  if (name === 'AbortError') return 'interrupted by shutdown';
  return cause?.code ?? cause?.message ?? (error as Error).message ?? 'network error';
}

/**
 * Sends the outbox on every node: each due subscription's oldest event, signed, POSTed as JSON;
 * a 2xx answer is success and lets the subscription's next event go; anything else (another
 * status, a redirect, a timeout, no connection) is retried later with backoff. Nodes share the
 * work through leases on the rows (see WebhookStore.claim), so no event goes out twice at once.
 */
export function startDeliveryWorker({ store, settings, log, onOutcome = () => {} }: Deps): { stop(): Promise<void> } {
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let lastPurge = 0;

  const send = async (delivery: PendingDelivery) => {
    const body = JSON.stringify({ id: delivery.id, ...delivery.payload });
    let failure: string;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST', body, redirect: 'manual',
        headers: { 'content-type': 'application/json', 'user-agent': 'Gatehouse-Webhooks/1', ...signedHeaders(delivery.secret, delivery.id, body) },
        signal: AbortSignal.any([AbortSignal.timeout(settings.timeoutMs), stopping.signal]),
      });
      await response.body?.cancel().catch(() => {});
      if (response.status >= 200 && response.status < 300) {
        await store.delivered(delivery.id);
        onOutcome('delivered');
        return;
      }
      failure = `HTTP ${response.status}`;
    } catch (error) {
      failure = failureOf(error, settings.timeoutMs);
    }
    const wait = stopping.signal.aborted ? 0 : retryDelay(delivery.attempts, settings.backoffMinMs, settings.backoffMaxMs);
    await store.failed(delivery.id, failure, new Date(Date.now() + wait));
    onOutcome('failed');
    log.info({ webhook: delivery.subscriptionId, seq: delivery.auditSeq, attempts: delivery.attempts + 1, failure }, 'webhook delivery failed; retrying later');
  };

  const drain = async () => {
    if (Date.now() - lastPurge > PURGE_EVERY_MS) {
      lastPurge = Date.now();
      await store.purgeDelivered(new Date(Date.now() - settings.retentionDays * 86_400_000));
    }
    // up to BATCH sends at once; whenever one ends (and frees its subscription's next event), and
    // every poll interval meanwhile (for events that arrived since), claim again: a slow receiver
    // holds up only its own subscription
    const inFlight = new Set<Promise<void>>();
    const poll = () => new Promise<void>((resolve) => setTimeout(resolve, settings.pollMs).unref());
    try {
      for (;;) {
        const room = stopping.signal.aborted ? 0 : BATCH - inFlight.size;
        const batch = room > 0 ? await store.claim(room, settings.timeoutMs + LEASE_MARGIN_MS) : [];
        for (const delivery of batch) {
          const sending: Promise<void> = send(delivery)
            .catch((err: unknown) => log.warn({ err, webhook: delivery.subscriptionId }, 'webhook delivery could not be recorded'))
            .finally(() => inFlight.delete(sending));
          inFlight.add(sending);
        }
        if (!inFlight.size) return;
        await Promise.race([...inFlight, poll()]);
      }
    } finally {
      await Promise.all(inFlight);
    }
  };

  const loop = () => {
    running = drain()
      .catch((err: unknown) => log.warn({ err }, 'webhook delivery round failed'))
      .finally(() => {
        if (!stopping.signal.aborted) timer = setTimeout(loop, settings.pollMs).unref();
      });
  };
  timer = setTimeout(loop, 0);

  return {
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
