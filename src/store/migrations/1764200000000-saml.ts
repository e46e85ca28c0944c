import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Downstream SAML service providers. */
export class Saml1764200000000 implements MigrationInterface {
  name = 'Saml1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "saml_service_providers" ("entity_id" character varying(1024) NOT NULL, "metadata_xml" text NOT NULL, "settings" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_cb873e6dedc1635dd0768d0fb94" PRIMARY KEY ("entity_id"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "saml_service_providers"`);
  }
}
