import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Roles and the permissions they grant. */
export class Roles1764500000000 implements MigrationInterface {
  name = 'Roles1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "roles" ("name" character varying(100) NOT NULL, "description" character varying(500), "permissions" text array NOT NULL DEFAULT '{}', CONSTRAINT "PK_648e3f5447f725579d7d4ffdfb7" PRIMARY KEY ("name"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "roles"`);
  }
}
