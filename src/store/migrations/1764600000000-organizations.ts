import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Organizations (multi-tenancy): branding and policy, memberships with roles, invitations. */
export class Organizations1764600000000 implements MigrationInterface {
  name = 'Organizations1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "organizations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "logo_url" character varying(2048), "primary_color" character varying(7), "background_color" character varying(7), "require_mfa" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_963693341bd612aa01ddf3a4b68" UNIQUE ("slug"), CONSTRAINT "PK_6b031fcd0863e3f6b44230163f9" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "organization_members" ("organization_id" uuid NOT NULL, "account_id" uuid NOT NULL, "roles" text array NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_190626e3f27d736458eb68ee2a4" PRIMARY KEY ("organization_id", "account_id"))`);
    await q.query(`CREATE INDEX "organization_members_account" ON "organization_members" ("account_id")`);
    await q.query(`CREATE TABLE "organization_invitations" ("token_hash" character varying(64) NOT NULL, "organization_id" uuid NOT NULL, "email" character varying(320) NOT NULL, "roles" text array NOT NULL DEFAULT '{}', "inviter" character varying(200) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_da2dfab0d3cb7f1bfdc886c4289" PRIMARY KEY ("token_hash"))`);
    await q.query(`CREATE INDEX "organization_invitations_organization" ON "organization_invitations" ("organization_id")`);
    await q.query(`ALTER TABLE "organization_members" ADD CONSTRAINT "FK_7062a4fbd9bab22ffd918e5d3d9" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "organization_members" ADD CONSTRAINT "FK_c44567fc1482dd0df4639a844bb" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "organization_invitations" ADD CONSTRAINT "FK_7f88954e8d667a76ae3ced6f446" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "organization_invitations"`);
    await q.query(`DROP TABLE "organization_members"`);
    await q.query(`DROP TABLE "organizations"`);
  }
}
