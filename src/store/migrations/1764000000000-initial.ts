import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1764000000000 implements MigrationInterface {
  name = 'Initial1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "accounts" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid(),
      "email" character varying(320) NOT NULL,
      "name" character varying(200),
      "email_verified" boolean NOT NULL DEFAULT false,
      "password_hash" text,
      "roles" text array NOT NULL DEFAULT '{}',
      "disabled" boolean NOT NULL DEFAULT false,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "UQ_ee66de6cdc53993296d1ceb8aa0" UNIQUE ("email"),
      CONSTRAINT "PK_5a7a02c20412299d198e097a8fe" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "oidc_clients" (
      "client_id" character varying(255) NOT NULL,
      "metadata" jsonb NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_9e68c17f669bc05c289bf4e12af" PRIMARY KEY ("client_id"))`);
    await q.query(`CREATE TABLE "oidc_models" (
      "model" character varying(64) NOT NULL,
      "id" character varying(255) NOT NULL,
      "payload" jsonb NOT NULL,
      "grant_id" character varying(255),
      "user_code" character varying(255),
      "uid" character varying(255),
      "expires_at" TIMESTAMP WITH TIME ZONE,
      "consumed_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_2406e7c1ca7abd58b9fecae7e69" PRIMARY KEY ("model", "id"))`);
    await q.query(`CREATE INDEX "oidc_models_grant_id" ON "oidc_models" ("grant_id")`);
    await q.query(`CREATE INDEX "oidc_models_user_code" ON "oidc_models" ("user_code")`);
    await q.query(`CREATE INDEX "oidc_models_uid" ON "oidc_models" ("uid")`);
    await q.query(`CREATE INDEX "oidc_models_expires_at" ON "oidc_models" ("expires_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "oidc_models"`);
    await q.query(`DROP TABLE "oidc_clients"`);
    await q.query(`DROP TABLE "accounts"`);
  }
}
