import type { EventEmitter } from 'node:events';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from 'pino';
import type { SecurityEventStore } from '../accounts/security-events.ts';
import type { AuditStore } from './audit-log.ts';

/**
 * Events the authorization server raises itself, written to the audit log: a logout (OIDC
 * RP-Initiated Logout 1.0 §2) and a token exchange (RFC 8693 §2). oidc-provider emits them
 * without waiting, so a failed write is logged rather than failing the request.
 */
export function auditProviderEvents({ provider, events, audit, log, tokenExchangeEvent }: {
  provider: Provider; events: SecurityEventStore; audit: AuditStore; log: Logger; tokenExchangeEvent: string;
}): void {
  const failed = (err: unknown) => log.error({ err }, 'an audit entry could not be written');
  provider.on('end_session.success', (ctx: KoaContextWithOIDC) => {
    const accountId = ctx.oidc.session?.accountId;
    if (!accountId) return;
    void events.record({
      accountId, kind: 'logout', ip: ctx.ip, userAgent: ctx.get('user-agent') || null, deviceId: null,
      detail: { clientId: ctx.oidc.client?.clientId ?? null, everywhere: ctx.oidc.params?.logout === 'yes' },
    }).catch(failed);
  });
  (provider as unknown as EventEmitter).on(tokenExchangeEvent, (exchange: { client: string }) => {
    void audit.append({ action: 'token_exchange', actor: `client:${exchange.client}`, detail: { ...exchange } }).catch(failed);
  });
}
