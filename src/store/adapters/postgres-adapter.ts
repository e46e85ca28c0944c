import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { DataSource } from 'typeorm';

/**
 * oidc-provider's short-lived models in the oidc_models table, for installations without Redis.
 * Expired rows are invisible at once and deleted by purgeExpiredModels.
 */
export function postgresAdapter(dataSource: DataSource, model: string): Adapter {
  const one = async (column: 'id' | 'uid' | 'user_code', value: string) => {
    const rows: { payload: AdapterPayload; consumed: number | null }[] = await dataSource.query(
      `SELECT payload, floor(extract(epoch FROM consumed_at))::bigint AS consumed FROM oidc_models
        WHERE model = $1 AND ${column} = $2 AND (expires_at IS NULL OR expires_at > now())`,
      [model, value],
    );
    const row = rows[0];
    if (!row) return undefined;
    return row.consumed === null ? row.payload : { ...row.payload, consumed: Number(row.consumed) };
  };

  return {
    async upsert(id, payload, expiresIn) {
      await dataSource.query(
        `INSERT INTO oidc_models (model, id, payload, grant_id, user_code, uid, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::int IS NULL THEN NULL ELSE now() + make_interval(secs => $7::int) END)
         ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
           user_code = EXCLUDED.user_code, uid = EXCLUDED.uid, expires_at = EXCLUDED.expires_at, consumed_at = NULL`,
        [model, id, payload, payload.grantId ?? null, payload.userCode ?? null, payload.uid ?? null, expiresIn ?? null],
      );
    },
    find: (id) => one('id', id),
    findByUid: (uid) => one('uid', uid),
    findByUserCode: (userCode) => one('user_code', userCode),
    async consume(id) {
      await dataSource.query(
        'UPDATE oidc_models SET consumed_at = now() WHERE model = $1 AND id = $2 AND consumed_at IS NULL',
        [model, id],
      );
    },
    async destroy(id) {
      await dataSource.query('DELETE FROM oidc_models WHERE model = $1 AND id = $2', [model, id]);
    },
    async revokeByGrantId(grantId) {
      await dataSource.query('DELETE FROM oidc_models WHERE grant_id = $1', [grantId]);
    },
  };
}

export async function purgeExpiredModels(dataSource: DataSource): Promise<void> {
  await dataSource.query('DELETE FROM oidc_models WHERE expires_at < now()');
}
