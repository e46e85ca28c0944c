import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { Core } from '../app.ts';
import { normalizeEmail } from '../accounts/account.ts';
import type { Repositories } from '../store/open-store.ts';
import { organizationInput, orgRolesSchema, type OrganizationFields } from './organization.ts';

/** An organization in the import file: its fields as the admin API names them, and its members. */
export const organizationEntry = organizationInput(false).extend({
  members: z.array(z.strictObject({ email: z.email('must be an email address'), roles: orgRolesSchema.optional() })).optional(),
});

export type ImportOrganization = z.infer<typeof organizationEntry>;

interface Prepared {
  fields: OrganizationFields;
  members: { email: string; roles: string[] }[];
}

/**
 * Checks the file's organizations before anything is written: the fields as the service checks
 * them (an http logo is refused in production), and members that are accounts already or users
 * of the same file. Problems name the entry.
 */
export async function prepareOrganizations(core: Core, entries: ImportOrganization[], fileEmails: Set<string>) {
  const problems: string[] = [];
  const prepared: Prepared[] = [];
  for (const [i, { members = [], ...input }] of entries.entries()) {
    const at = `organizations[${i}] (${input.slug})`;
    try {
      prepared.push({
        fields: core.organizations.validate(input),
        members: members.map((m) => ({ email: normalizeEmail(m.email), roles: [...new Set(m.roles ?? [])].sort() })),
      });
    } catch (error) {
      problems.push(`${at}: ${(error as Error).message}`);
      continue;
    }
    for (const [j, member] of members.entries()) {
      const email = normalizeEmail(member.email);
      if (!fileEmails.has(email) && !(await core.store.accounts.findByEmail(email))) {
        problems.push(`organizations[${i}].members[${j}].email: there is no user ${member.email}; add it under users or create it first`);
      }
    }
  }
  return { prepared, problems };
}

/**
 * Creates or updates each organization by slug and sets its listed members' roles (members not
 * listed stay); answers created, updated or unchanged for each.
 */
export async function applyOrganizations(repos: Repositories, prepared: Prepared[], dryRun: boolean): Promise<('created' | 'updated' | 'unchanged')[]> {
  const outcomes: ('created' | 'updated' | 'unchanged')[] = [];
  for (const { fields, members } of prepared) {
    const existing = await repos.organizations.findBySlug(fields.slug);
    const current = existing && {
      slug: existing.slug, name: existing.name, logoUrl: existing.logoUrl, primaryColor: existing.primaryColor,
      backgroundColor: existing.backgroundColor, requireMfa: existing.requireMfa,
    };
    let changed = !existing || !isDeepStrictEqual(current, fields);
    const org = dryRun ? existing : changed ? await repos.organizations.save({ ...fields, id: existing?.id }) : existing;
    for (const member of members) {
      const account = await repos.accounts.findByEmail(member.email); // created earlier in this transaction when new
      const had = org && account ? await repos.organizations.membership(org.id, account.id) : undefined;
      if (had && isDeepStrictEqual([...had.roles].sort(), member.roles)) continue;
      changed = true;
      if (!dryRun) await repos.organizations.setMember(org!.id, account!.id, member.roles);
    }
    outcomes.push(!existing ? 'created' : changed ? 'updated' : 'unchanged');
  }
  return outcomes;
}
