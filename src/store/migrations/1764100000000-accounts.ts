import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Second factors and passkeys, security events, single-use secrets and the session index. */
export class Accounts1764100000000 implements MigrationInterface {
  name = 'Accounts1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "account_factors" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "account_id" uuid NOT NULL, "kind" character varying(16) NOT NULL, "name" character varying(100), "secret" text, "credential_id" character varying(1400), "public_key" bytea, "counter" bigint, "transports" jsonb, "last_step" bigint, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_cbbbb9d04794280c6512508d1bb" UNIQUE ("credential_id"), CONSTRAINT "PK_57831edea9e1d71183ea5402f34" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "account_factors_account" ON "account_factors" ("account_id")`);
    await q.query(`CREATE TABLE "security_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "account_id" uuid, "kind" character varying(40) NOT NULL, "ip" character varying(64), "user_agent" character varying(512), "device_id" character varying(64), "detail" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6fc100d6700780737348df0d3ae" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "security_events_account_time" ON "security_events" ("account_id", "created_at")`);
    await q.query(`CREATE INDEX "security_events_ip_time" ON "security_events" ("ip", "created_at")`);
    await q.query(`CREATE TABLE "single_use" ("key" character varying(255) NOT NULL, "value" jsonb NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_5f2891755bc62ecea2697869924" PRIMARY KEY ("key"))`);
    await q.query(`CREATE INDEX "single_use_expires_at" ON "single_use" ("expires_at")`);
    await q.query(`CREATE TABLE "account_sessions" ("id" character varying(255) NOT NULL, "account_id" uuid NOT NULL, "login_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_2cd6ab4022fd3aa1e90ca61e3fb" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "account_sessions_account" ON "account_sessions" ("account_id")`);
    await q.query(`ALTER TABLE "account_factors" ADD CONSTRAINT "FK_25c74198d7cec18e59848e522f2" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "security_events" ADD CONSTRAINT "FK_73eea6292391c9b6cfc570df8a9" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "account_sessions" ADD CONSTRAINT "FK_089c9da3ef4217f28a7df00dbc6" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "account_sessions"`);
    await q.query(`DROP TABLE "single_use"`);
    await q.query(`DROP TABLE "security_events"`);
    await q.query(`DROP TABLE "account_factors"`);
  }
}
