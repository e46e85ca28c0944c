import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Downstream SAML service providers, and which of them took part in each sign-in session. */
export class Saml1764200000000 implements MigrationInterface {
  name = 'Saml1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "saml_service_providers" ("entity_id" character varying(1024) NOT NULL, "metadata_xml" text NOT NULL, "settings" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_cb873e6dedc1635dd0768d0fb94" PRIMARY KEY ("entity_id"))`);
    await q.query(`CREATE TABLE "saml_session_participants" ("session_uid" character varying(255) NOT NULL, "entity_id" character varying(1024) NOT NULL, "name_id" character varying(512) NOT NULL, "name_id_format" character varying(255) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_7d6b7f5b525b8b60b69cbe0c2a1" PRIMARY KEY ("session_uid", "entity_id"))`);
    await q.query(`CREATE INDEX "saml_participants_name_id" ON "saml_session_participants" ("entity_id", "name_id")`);
    await q.query(`CREATE INDEX "saml_participants_expires_at" ON "saml_session_participants" ("expires_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "saml_session_participants"`);
    await q.query(`DROP TABLE "saml_service_providers"`);
  }
}
