import { EntitySchema } from 'typeorm';
import type { Invitation, Membership, Organization } from '../../organizations/organization.ts';

/** Organizations (tenants): branding and policy. */
export const OrganizationEntity = new EntitySchema<Organization>({
  name: 'Organization',
  tableName: 'organizations',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    slug: { type: 'varchar', length: 64, unique: true },
    name: { type: 'varchar', length: 200 },
    logoUrl: { name: 'logo_url', type: 'varchar', length: 2048, nullable: true },
    primaryColor: { name: 'primary_color', type: 'varchar', length: 7, nullable: true },
    backgroundColor: { name: 'background_color', type: 'varchar', length: 7, nullable: true },
    requireMfa: { name: 'require_mfa', type: 'boolean', default: false },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
    updatedAt: { name: 'updated_at', type: 'timestamptz', updateDate: true },
  },
});

/** Which accounts belong to which organizations, with their organization roles. */
export const MembershipEntity = new EntitySchema<Membership>({
  name: 'OrganizationMember',
  tableName: 'organization_members',
  columns: {
    organizationId: { name: 'organization_id', type: 'uuid', primary: true },
    accountId: { name: 'account_id', type: 'uuid', primary: true },
    roles: { type: 'text', array: true, default: () => "'{}'" },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
  },
  indices: [{ name: 'organization_members_account', columns: ['accountId'] }],
  relations: {
    organization: { type: 'many-to-one', target: 'Organization', joinColumn: { name: 'organization_id' }, onDelete: 'CASCADE' },
    account: { type: 'many-to-one', target: 'Account', joinColumn: { name: 'account_id' }, onDelete: 'CASCADE' },
  } as never,
});

/** Pending invitations; the token itself is never stored, only its SHA-256. */
export const InvitationEntity = new EntitySchema<Invitation>({
  name: 'OrganizationInvitation',
  tableName: 'organization_invitations',
  columns: {
    tokenHash: { name: 'token_hash', type: 'varchar', length: 64, primary: true },
    organizationId: { name: 'organization_id', type: 'uuid' },
    email: { type: 'varchar', length: 320 },
    roles: { type: 'text', array: true, default: () => "'{}'" },
    inviter: { type: 'varchar', length: 200 },
    expiresAt: { name: 'expires_at', type: 'timestamptz' },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
  },
  indices: [{ name: 'organization_invitations_organization', columns: ['organizationId'] }],
  relations: {
    organization: { type: 'many-to-one', target: 'Organization', joinColumn: { name: 'organization_id' }, onDelete: 'CASCADE' },
  } as never,
});
