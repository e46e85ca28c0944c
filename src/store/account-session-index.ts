import type { Adapter, AdapterPayload } from 'oidc-provider';
import { In, Not, type DataSource } from 'typeorm';
import type { AccountSessionStore } from '../accounts/account-sessions.ts';
import { AccountSessionEntity } from './entities/account-session.ts';

/** The models a grant's tokens live in; ending a session revokes them, as logout does. */
const GRANTABLE = ['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest'];

/**
 * Wraps oidc-provider's Session adapter so that every saved session is indexed by its account,
 * and offers listing and ending an account's sessions (with the grants they hold).
 */
export function accountSessionIndex(dataSource: DataSource, adapter: (model: string) => Adapter) {
  const repo = dataSource.getRepository(AccountSessionEntity);
  const sessions = adapter('Session');

  const endOne = async (id: string) => {
    const payload = await sessions.find(id);
    const grants = Object.values((payload?.authorizations ?? {}) as Record<string, { grantId?: string }>)
      .map((a) => a.grantId).filter((g): g is string => typeof g === 'string');
    for (const grantId of grants) {
      for (const model of GRANTABLE) await adapter(model).revokeByGrantId(grantId);
      await adapter('Grant').destroy(grantId);
    }
    await sessions.destroy(id);
  };

  const indexed: Adapter = {
    async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
      await sessions.upsert(id, payload, expiresIn);
      if (typeof payload.accountId !== 'string') return;
      await repo.upsert({
        id, accountId: payload.accountId,
        loginAt: new Date(Number(payload.loginTs ?? Math.floor(Date.now() / 1000)) * 1000),
        expiresAt: new Date(Date.now() + expiresIn * 1000),
      }, ['id']);
    },
    async destroy(id: string) {
      await sessions.destroy(id);
      await repo.delete({ id });
    },
    find: (id) => sessions.find(id),
    findByUid: (uid) => sessions.findByUid(uid),
    findByUserCode: (code) => sessions.findByUserCode(code),
    consume: (id) => sessions.consume(id),
    revokeByGrantId: (grantId) => sessions.revokeByGrantId(grantId),
  };

  const store: AccountSessionStore = {
    async list(accountId) {
      const rows = await repo.find({ where: { accountId }, order: { loginAt: 'DESC' } });
      const live = [];
      for (const row of rows) {
        const payload = row.expiresAt > new Date() ? await sessions.find(row.id) : undefined;
        if (payload?.accountId === accountId) live.push(row);
        else await repo.delete({ id: row.id }); // ended elsewhere (logout, expiry): tidy the index
      }
      return live;
    },
    async end(accountId, which) {
      const where = 'only' in which
        ? { accountId, id: which.only }
        : { accountId, ...(which.allBut ? { id: Not(which.allBut) } : {}) };
      const rows = await repo.find({ where });
      for (const row of rows) await endOne(row.id);
      if (rows.length) await repo.delete({ id: In(rows.map((r) => r.id)) });
      return rows.length;
    },
  };
  return { adapter: indexed, store };
}
