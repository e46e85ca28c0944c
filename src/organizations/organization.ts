import { z } from 'zod';

/** An organization (a tenant): who its members are, how its sign-in pages look, and its policy. */
export interface Organization {
  id: string;
  /** Lower-case letters, digits and dashes; unique; usable in place of the id. */
  slug: string;
  name: string;
  logoUrl: string | null;
  /** #rrggbb */
  primaryColor: string | null;
  /** #rrggbb */
  backgroundColor: string | null;
  /** Members signing in for this organization always give a second factor. */
  requireMfa: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type OrganizationFields = Pick<Organization, 'slug' | 'name' | 'logoUrl' | 'primaryColor' | 'backgroundColor' | 'requireMfa'>;

/** An account's membership of an organization, with the roles it holds there. */
export interface Membership {
  organizationId: string;
  accountId: string;
  roles: string[];
  createdAt: Date;
}

/** An invitation mailed to an address: the link's token is kept only as its SHA-256. */
export interface Invitation {
  tokenHash: string;
  organizationId: string;
  email: string;
  roles: string[];
  /** The actor who invited (account:…, client:…, cli:…). */
  inviter: string;
  expiresAt: Date;
  createdAt: Date;
}

/** What organizations need from storage; src/store implements it. */
export interface OrganizationStore {
  findById(id: string): Promise<Organization | undefined>;
  findBySlug(slug: string): Promise<Organization | undefined>;
  list(): Promise<Organization[]>;
  /** Inserts (no id) or updates (id) and answers the stored organization. */
  save(fields: OrganizationFields & { id?: string }): Promise<Organization>;
  delete(id: string): Promise<boolean>;
  membership(organizationId: string, accountId: string): Promise<Membership | undefined>;
  members(organizationId: string): Promise<Membership[]>;
  /** The account's memberships with their organizations, by organization name. */
  membershipsOf(accountId: string): Promise<{ organization: Organization; roles: string[] }[]>;
  /** Adds the member, or replaces the roles of an existing one. */
  setMember(organizationId: string, accountId: string, roles: string[]): Promise<void>;
  removeMember(organizationId: string, accountId: string): Promise<boolean>;
  addInvitation(invitation: Omit<Invitation, 'createdAt'>): Promise<void>;
  /** A valid (unexpired) invitation, left in place. */
  findInvitation(tokenHash: string): Promise<Invitation | undefined>;
  /**
   * Uses the invitation up and makes the account a member with its roles (added to any it has),
   * in one statement: only one caller ever succeeds, and only for the invited address.
   */
  acceptInvitation(tokenHash: string, email: string, accountId: string): Promise<Membership | undefined>;
}


export const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
/** Only #rrggbb reaches a stylesheet: nothing else can close the declaration and inject CSS. */
export const COLOR = /^#[0-9a-f]{6}$/i;

export const slugSchema = z.string().regex(SLUG, 'must be 1 to 64 lower-case letters, digits and dashes, not starting or ending with a dash');
export const colorSchema = z.string().regex(COLOR, 'must be a colour written #rrggbb');
export const orgRolesSchema = z.array(z.string().min(1).max(100)).max(50);

/** A logo URL: https, or http outside production (a development logo server). */
export const logoUrlSchema = (production: boolean) => z.url({ protocol: production ? /^https$/ : /^https?$/, error: production ? 'must be an https URL' : 'must be an http(s) URL' }).max(2048);

/** The branding and policy fields as operators write them (import file, admin API). */
export const organizationInput = (production: boolean) => z.strictObject({
  slug: slugSchema,
  name: z.string().trim().min(1, 'must not be empty').max(200),
  logo_url: logoUrlSchema(production).nullable().optional(),
  primary_color: colorSchema.nullable().optional(),
  background_color: colorSchema.nullable().optional(),
  require_mfa: z.boolean().optional(),
});

export type OrganizationInput = z.infer<ReturnType<typeof organizationInput>>;

export const toFields = (input: OrganizationInput): OrganizationFields => ({
  slug: input.slug, name: input.name, logoUrl: input.logo_url ?? null,
  primaryColor: input.primary_color?.toLowerCase() ?? null, backgroundColor: input.background_color?.toLowerCase() ?? null,
  requireMfa: input.require_mfa ?? false,
});
