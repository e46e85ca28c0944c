import type { Adapter } from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { Logger } from 'pino';
import type { AccountSessionStore } from '../accounts/account-sessions.ts';

/**
 * Ends a sign-in session found by its uid, the way an OIDC logout would: its clients with a
 * back-channel logout URI are told (OIDC Back-Channel Logout 1.0 §2.5), then the session and the
 * grants it holds are gone.
 */
export function sessionEnder(provider: Provider, sessionAdapter: Adapter, sessions: AccountSessionStore, log: Logger) {
  return async (uid: string): Promise<void> => {
    const payload = await sessionAdapter.findByUid(uid);
    if (!payload?.accountId || typeof payload.jti !== 'string') return;
    const accountId = String(payload.accountId);
    const authorizations = (payload.authorizations ?? {}) as Record<string, { sid?: string }>;
    await Promise.all(Object.entries(authorizations).map(async ([clientId, { sid }]) => {
      const client = await provider.Client.find(clientId);
      if (!client?.backchannelLogoutUri) return;
      await (client as unknown as { backchannelLogout(sub: string, sid?: string): Promise<void> }).backchannelLogout(accountId, sid)
        .catch((err: unknown) => log.warn({ err, clientId }, 'back-channel logout failed'));
    }));
    await sessions.end(accountId, { only: payload.jti });
  };
}
