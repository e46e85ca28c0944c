import { AppError } from '../app-error.ts';
import { isUuid } from '../uuid.ts';
import { checkIfMatch } from '../admin/etag.ts';
import type { Actor, RecordChange } from '../audit/changes.ts';
import type { Store } from '../store/open-store.ts';
import { normalizeEmail } from '../accounts/account.ts';
import type { AccountStore } from '../accounts/account.ts';
import {
  organizationInput, orgRolesSchema, toFields, type Membership, type Organization, type OrganizationInput, type OrganizationStore,
} from './organization.ts';
import { createInvitations, type InvitationMail } from './invitations.ts';

interface Deps {
  store: OrganizationStore;
  /** Updates run in one transaction holding the organization's lock, their audit entry included. */
  transaction: Store['transaction'];
  accounts: Pick<AccountStore, 'findByEmail' | 'findById'>;
  recordChange: RecordChange;
  mail: InvitationMail;
  production: boolean;
}

const target = (org: Pick<Organization, 'id'>) => ({ type: 'organization', id: org.id });
const notFound = (ref: string) => new AppError('organization_not_found', 404, `There is no organization "${ref}".`);
/** What the audit log keeps of an organization (its timestamps change on every save). */
const audited = ({ createdAt: _c, updatedAt: _u, ...org }: Organization) => org;

/**
 * Organizations, one service for everyone who changes them (CLI, import, admin API and UI):
 * each change an operator makes is recorded in the audit log with who made it.
 */
export function createOrganizationService({ store, transaction, accounts, recordChange, mail, production }: Deps) {
  const schema = organizationInput(production);
  const parse = (input: unknown) => {
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AppError('invalid_organization', 400, `${issue.path.join('.') || 'organization'} ${issue.message}`);
    }
    return toFields(parsed.data);
  };
  const roles = (list: unknown) => {
    const parsed = orgRolesSchema.safeParse(list);
    if (!parsed.success) throw new AppError('invalid_roles', 400, 'roles must be at most 50 names of 1 to 100 characters.');
    return [...new Set(parsed.data)].sort();
  };
  /** An organization by id or slug. */
  const find = async (ref: string) => (isUuid(ref) ? await store.findById(ref.toLowerCase()) : await store.findBySlug(ref)) ?? undefined;
  const get = async (ref: string) => (await find(ref)) ?? Promise.reject(notFound(ref));
  const account = async (email: string) => {
    const found = await accounts.findByEmail(normalizeEmail(email));
    if (!found) throw new AppError('account_not_found', 404, `There is no account with the email ${email}.`);
    return found;
  };
  const invitations = createInvitations({ store, mail });

  return {
    find,
    get,
    list: () => store.list(),
    /** Validates operator input (snake_case, as in the import file) without saving it. */
    validate: parse,

    async create(actor: Actor, input: OrganizationInput): Promise<Organization> {
      const fields = parse(input);
      if (await store.findBySlug(fields.slug)) throw new AppError('slug_taken', 409, `The slug "${fields.slug}" is taken by another organization.`);
      const org = await store.save(fields);
      await recordChange(actor, 'organization.create', target(org), undefined, audited(org));
      return org;
    },

    /** Replaces the branding and policy (fields left out keep their value); `ifMatch` as the admin API gives it. */
    async update(actor: Actor, ref: string, changes: Partial<OrganizationInput>, ifMatch?: string): Promise<Organization> {
      const { id } = await get(ref);
      return transaction(async (repos) => {
        await repos.lock(`organization:${id}`);
        const before = await repos.organizations.findById(id);
        if (!before) throw notFound(ref);
        checkIfMatch(ifMatch, before);
        const fields = parse({
          slug: before.slug, name: before.name, logo_url: before.logoUrl, primary_color: before.primaryColor,
          background_color: before.backgroundColor, require_mfa: before.requireMfa, ...changes,
        });
        const clash = fields.slug !== before.slug ? await repos.organizations.findBySlug(fields.slug) : undefined;
        if (clash) throw new AppError('slug_taken', 409, `The slug "${fields.slug}" is taken by another organization.`);
        const after = await repos.organizations.save({ ...fields, id: before.id });
        await repos.record(actor, 'organization.update', target(before), audited(before), audited(after));
        return after;
      });
    },

    async delete(actor: Actor, ref: string, ifMatch?: string): Promise<void> {
      const { id } = await get(ref);
      await transaction(async (repos) => {
        await repos.lock(`organization:${id}`);
        const org = await repos.organizations.findById(id);
        if (!org) throw notFound(ref);
        checkIfMatch(ifMatch, org);
        await repos.organizations.delete(org.id); // memberships and invitations go with it (ON DELETE CASCADE)
        await repos.record(actor, 'organization.delete', target(org), audited(org));
      });
    },

    members: async (ref: string) => store.members((await get(ref)).id),
    membership: (organizationId: string, accountId: string) => store.membership(organizationId, accountId),
    membershipsOf: (accountId: string) => store.membershipsOf(accountId),

    /** Adds a member, or sets the organization roles of one. */
    async setMember(actor: Actor, ref: string, email: string, memberRoles: string[] = []): Promise<Membership> {
      const [org, who] = [await get(ref), await account(email)];
      const next = roles(memberRoles);
      const before = await store.membership(org.id, who.id);
      await store.setMember(org.id, who.id, next);
      await recordChange(actor, before ? 'organization.member.update' : 'organization.member.add', target(org),
        before && { account: who.id, roles: before.roles }, { account: who.id, roles: next });
      return (await store.membership(org.id, who.id))!;
    },

    async removeMember(actor: Actor, ref: string, email: string): Promise<void> {
      const [org, who] = [await get(ref), await account(email)];
      const before = await store.membership(org.id, who.id);
      if (!before || !(await store.removeMember(org.id, who.id))) {
        throw new AppError('not_a_member', 404, `${email} is not a member of ${org.slug}.`);
      }
      await recordChange(actor, 'organization.member.remove', target(org), { account: who.id, roles: before.roles });
    },

    /** Mails an invitation link to the address; answers when it expires. */
    async invite(actor: Actor, ref: string, email: string, invitedRoles: string[] = []): Promise<{ expiresAt: Date }> {
      const org = await get(ref);
      const [address, granted] = [normalizeEmail(email), roles(invitedRoles)];
      const invited = await invitations.send(org, address, granted, actor);
      await recordChange(actor, 'organization.invite', target(org), undefined, { email: address, roles: granted, expiresAt: invited.expiresAt });
      return invited;
    },

    /** What an invitation link stands for, without using it up. */
    invitation: invitations.peek,

    /** Makes the signed-in account a member, when its email is the invited one; the link works once. */
    async acceptInvitation(token: unknown, accountId: string): Promise<{ organization: Organization; membership: Membership }> {
      const who = await accounts.findById(accountId);
      if (!who) throw new AppError('sign_in_required', 401, 'Sign in first.');
      const { organization, membership } = await invitations.accept(token, who);
      await recordChange(`account:${who.id}`, 'organization.invitation.accept', target(organization), undefined, { account: who.id, roles: membership.roles });
      return { organization, membership };
    },
  };
}

export type OrganizationService = ReturnType<typeof createOrganizationService>;
