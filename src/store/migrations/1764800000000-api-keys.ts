import type { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys for machine callers: the SHA-256 of each secret, never the secret. */
export class ApiKeys1764800000000 implements MigrationInterface {
  name = 'ApiKeys1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "api_keys" ("id" character varying(32) NOT NULL, "name" character varying(100) NOT NULL, "secret_hash" character varying(64) NOT NULL, "owner" uuid, "scope" character varying(2000) NOT NULL, "resource" character varying(2048), "expires_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, "created_by" character varying(255) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_api_keys" PRIMARY KEY ("id"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "api_keys"`);
  }
}
