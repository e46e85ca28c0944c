import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import type { Logger } from 'pino';
import { createApp, createCore, type Core } from './app.ts';
import { checkpointLatest } from './audit/checkpoints.ts';
import { pruneAuditLog } from './audit/retention.ts';
import { startDeliveryWorker } from './webhooks/delivery-worker.ts';
import { ConfigError, loadConfig } from './config/load.ts';
import type { Config } from './config/config.ts';
import { applyImportFile } from './import/apply-import.ts';
import { createLogger } from './log.ts';
import { createMetricsRouter } from './ops/metrics-router.ts';

export interface Running {
  url: string;
  core: Core;
  /** Stops accepting, lets in-flight requests finish (up to the bound), then closes storage. */
  close(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 10_000;
const PURGE_EVERY_MS = 10 * 60_000;
const CHECKPOINT_EVERY_MS = 5 * 60_000;

export async function startServer(config: Config, log: Logger): Promise<Running> {
  const core = await createCore(config, 'serve', log);
  try {
    if (config.importFile) {
      const summary = await applyImportFile(core, config.importFile, { dryRun: false });
      log.info({ import: config.importFile, summary }, 'import file applied');
    }
    const server = await listen(createApp(core, log), config.port, config.host);
    // Metrics on a port of their own, when configured, so they need not be exposed with the rest.
    const metricsServer = config.metrics.port
      ? await listen(new Koa().use(createMetricsRouter(core.metrics.registry, config.metrics.token).routes()), config.metrics.port, config.host)
      : undefined;
    const purge = setInterval(() => core.store.purgeExpired().catch((err) => log.warn({ err }, 'purge failed')), PURGE_EVERY_MS);
    purge.unref();
    // the audit chain's newest row, signed now and then (nodes racing here sign the same row; harmless);
    // then rows past their retention go, up to a signed checkpoint
    const retention = config.audit.retentionDays;
    const checkpoint = setInterval(() => checkpointLatest(core.store.audit, core.signingKeys)
      .then(() => retention && pruneAuditLog(core.store.audit, retention))
      .catch((err: unknown) => log.warn({ err }, 'audit checkpoint or pruning failed')), CHECKPOINT_EVERY_MS);
    checkpoint.unref();
    const webhooks = startDeliveryWorker({
      store: core.store.webhooks, settings: config.webhooks, log, onOutcome: (outcome) => core.metrics.webhookDeliveries.inc({ outcome }),
    });
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://${config.host}:${port}`,
      core,
      async close() {
        clearInterval(purge);
        clearInterval(checkpoint);
        metricsServer?.close();
        metricsServer?.closeAllConnections();
        const closed = new Promise((resolve) => server.close(resolve));
        // keep-alive connections go as soon as their last response is out; stragglers at the bound
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        await closed;
        clearInterval(sweep);
        clearTimeout(force);
        await webhooks.stop();
        await core.close();
      },
    };
  } catch (error) {
    await core.close();
    throw error;
  }
}

async function listen(app: { callback(): http.RequestListener }, port: number, host: string): Promise<http.Server> {
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}

function banner(config: Config, running: Running): string {
  const database = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PostgreSQL in ${running.core.store.embeddedLocation}`;
  return [
    '',
    `Gatehouse is running at ${config.issuer} (listening on ${running.url})`,
    `  discovery:  ${config.issuer}/.well-known/openid-configuration`,
    `  storage:    ${database}${config.redis ? ` and Redis (${config.redis.mode})` : ''}`,
    `  saml:       ${running.core.saml.idp ? `${config.issuer}/saml/metadata` : 'off (no certificate: set SAML_CERT_FILE and SAML_KEY_FILE)'}`,
    `  mail:       ${config.mail.smtpUrl ? `SMTP (${new URL(config.mail.smtpUrl).host})` : `not sent: written to ${config.mail.outbox} (set SMTP_URL)`}`,
    '',
    'Next: create a user and a client, then point your application at the discovery URL:',
    '  npx gatehouse user create --email you@example.com --password "a-long-passphrase"',
    '  npx gatehouse client create --id my-app --redirect-uri http://localhost:8080/callback',
    '',
  ].join('\n');
}

export async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`gatehouse: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  let running: Running;
  try {
    running = await startServer(config, log);
  } catch (error) {
    process.stderr.write(`gatehouse: cannot start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  process.stderr.write(banner(config, running));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await running.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

if (import.meta.main) await main();
