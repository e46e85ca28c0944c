import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit log: a hash chain, append-only (rows cannot be updated or deleted through SQL), and its signed checkpoints. */
export class Audit1764400000000 implements MigrationInterface {
  name = 'Audit1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "audit_events" ("seq" bigint NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "action" character varying(64) NOT NULL, "actor" character varying(255), "detail" jsonb NOT NULL, "prev_hash" character(64) NOT NULL, "hash" character(64) NOT NULL, CONSTRAINT "PK_6e299f5706e715265416fefe53e" PRIMARY KEY ("seq"))`);
    await q.query(`CREATE INDEX "audit_events_at" ON "audit_events" ("at")`);
    await q.query(`CREATE TABLE "audit_checkpoints" ("seq" bigint NOT NULL, "hash" character(64) NOT NULL, "signature" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_00d27c519361818fba5bb6602de" PRIMARY KEY ("seq"))`);
    // append-only: the hash chain detects tampering; this refuses it up front
    await q.query(`CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$`);
    await q.query(`CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "audit_checkpoints"`);
    await q.query(`DROP TABLE "audit_events"`);
    await q.query(`DROP FUNCTION audit_events_append_only()`);
  }
}
