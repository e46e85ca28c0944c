import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Upstream identity providers (OIDC and SAML), and the accounts their subjects are linked to. */
export class Federation1764300000000 implements MigrationInterface {
  name = 'Federation1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "identity_providers" ("id" character varying(64) NOT NULL, "kind" character varying(8) NOT NULL, "config" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3ac9e77e3690c03f7f25579c8e0" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "federated_identities" ("upstream_id" character varying(64) NOT NULL, "subject" character varying(512) NOT NULL, "account_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_48f74d035397b8570a42633f22f" PRIMARY KEY ("upstream_id", "subject"))`);
    await q.query(`CREATE INDEX "federated_identities_account" ON "federated_identities" ("account_id")`);
    await q.query(`ALTER TABLE "federated_identities" ADD CONSTRAINT "FK_12819962346486f7a9a42cad52f" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "federated_identities" ADD CONSTRAINT "FK_19d578ac004d6db77c506cf91a5" FOREIGN KEY ("upstream_id") REFERENCES "identity_providers"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "federated_identities"`);
    await q.query(`DROP TABLE "identity_providers"`);
  }
}
