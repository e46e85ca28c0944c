import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log's signed checkpoints and its retention anchor are append-only too: a row cannot be
 * updated, and deleted only by a prune (which sets gatehouse.audit_prune_through in its own
 * transaction), at or before the seq it prunes through.
 */
export class AuditSignatures1764900000000 implements MigrationInterface {
  name = 'AuditSignatures1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION audit_signatures_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE'
          AND OLD.seq <= coalesce(nullif(current_setting('gatehouse.audit_prune_through', true), '')::bigint, 0) THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
      END $$`);
    for (const table of ['audit_checkpoints', 'audit_anchor']) {
      await q.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON "${table}" FOR EACH ROW EXECUTE FUNCTION audit_signatures_append_only()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['audit_checkpoints', 'audit_anchor']) await q.query(`DROP TRIGGER ${table}_append_only ON "${table}"`);
    await q.query('DROP FUNCTION audit_signatures_append_only()');
  }
}
