import fs from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import type { Core } from '../app.ts';
import type { Actor } from '../audit/changes.ts';
import { AppError } from '../app-error.ts';
import { normalizeEmail, type AccountFields } from '../accounts/account.ts';
import { passwordProblem } from '../accounts/password-policy.ts';
import type { ClientMetadata } from '../clients/client-store.ts';
import { SECRET_METHODS } from '../clients/client-service.ts';
import { formatPath, importFileSchema, type ImportUser } from './import-schema.ts';
import type { SpSettings } from '../saml/service-provider.ts';
import { resolveSpInput } from '../saml/sp-input.ts';
import { oidcUpstreamFrom, samlUpstreamFrom } from '../federation/upstream-input.ts';
import type { Upstream } from '../federation/upstream.ts';
import path from 'node:path';
import { applyOrganizations, prepareOrganizations } from '../organizations/import-organizations.ts';
import { normalizePermissions } from '../accounts/role-permissions.ts';

export class ImportError extends Error {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super(`${source} was not applied:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

type Outcome = 'created' | 'updated' | 'unchanged';

interface ImportOptions {
  dryRun: boolean;
  /** Where metadata_file paths start from. */
  baseDir?: string;
  /** Who applies the file, for the audit log: the CLI's user, or Gatehouse itself at start. */
  actor?: Actor;
}
export type ImportSummary = Record<'clients' | 'users' | 'roles' | 'saml_service_providers' | 'identity_providers' | 'organizations', Record<Outcome, number>> & {
  /** What RFC 9700 discourages in the file's clients, by entry. */
  warnings: string[];
};

export async function applyImportFile(core: Core, file: string, options: Omit<ImportOptions, 'baseDir'>): Promise<ImportSummary> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    // "ENOENT: no such file or directory, open '…'": the code and its meaning; the path is in the header
    throw new ImportError(file, [`cannot read the file: ${(error as Error).message.split(',')[0]}`]);
  }
  let document: unknown;
  const parse: (text: string) => unknown = file.endsWith('.json') ? JSON.parse : (await import('yaml')).parse; // YAML only when asked
  try {
    document = parse(text);
  } catch (error) {
    // V8 quotes the JSON around the mistake, which may hold a password: keep only the reason
    const reason = (error as Error).message.replace(/^(Unexpected token .+?), [\s\S]* is not valid JSON$/, '$1').split('\n')[0];
    throw new ImportError(file, [`not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${reason}`]);
  }
  return applyImport(core, document ?? {}, file, { ...options, baseDir: path.dirname(path.resolve(file)) });
}

/**
 * Applies an import document idempotently and all at once: every entry is checked first, and
 * the writes happen in one transaction, so a bad entry anywhere means nothing changes.
 */
export async function applyImport(core: Core, document: unknown, source: string, { dryRun, baseDir = process.cwd(), actor = 'system:import' }: ImportOptions): Promise<ImportSummary> {
  const parsed = importFileSchema.safeParse(document);
  if (!parsed.success) throw new ImportError(source, parsed.error.issues.map((i) => `${formatPath(i.path) || '(top level)'}: ${i.message}`));
  const { clients = [], users = [], roles = [], saml_service_providers: sps = [], oidc_identity_providers: oidcUps = [], saml_identity_providers: samlUps = [], organizations = [] } = parsed.data;
  const problems = [
    ...duplicates(clients.map((c) => c.client_id), 'clients', 'client_id'),
    ...duplicates(users.map((u) => normalizeEmail(u.email)), 'users', 'email'),
    ...duplicates(roles.map((r) => r.name), 'roles', 'name'),
  ];

  const preparedClients: ClientMetadata[] = [];
  const warnings: string[] = [];
  for (const [i, input] of clients.entries()) {
    const existing = await core.store.clients.find(input.client_id);
    // Keep the secret already handed out, unless the client no longer authenticates with one.
    const method = (input.token_endpoint_auth_method as string | undefined) ?? 'client_secret_basic';
    const withSecret = input.client_secret === undefined && existing?.client_secret !== undefined && SECRET_METHODS.has(method)
      ? { ...input, client_secret: existing.client_secret }
      : input;
    try {
      const prepared = await core.clients.prepare(withSecret);
      preparedClients.push(prepared.metadata);
      warnings.push(...prepared.warnings.map((w) => `clients[${i}] (${input.client_id}).${w}`));
    } catch (error) {
      problems.push(`clients[${i}] (${input.client_id}): ${(error as Error).message}`);
    }
  }
  const preparedUsers: (Partial<AccountFields> & { email: string })[] = [];
  for (const [i, input] of users.entries()) {
    try {
      preparedUsers.push(await userFields(core, input));
    } catch (error) {
      problems.push(`users[${i}] (${input.email}): ${(error as Error).message}`);
    }
  }
  const preparedSps: { entityId: string; metadataXml: string; settings: SpSettings }[] = [];
  for (const [i, input] of sps.entries()) {
    try {
      preparedSps.push(await resolveSpInput(input, baseDir));
    } catch (error) {
      problems.push(`saml_service_providers[${i}]: ${(error as Error).message}`);
    }
  }
  problems.push(...duplicates(preparedSps.map((sp) => sp.entityId), 'saml_service_providers', 'entityID'));
  const preparedUpstreams: Upstream[] = oidcUps.map(oidcUpstreamFrom);
  for (const [i, input] of samlUps.entries()) {
    try {
      preparedUpstreams.push(await samlUpstreamFrom(input, baseDir));
    } catch (error) {
      problems.push(`saml_identity_providers[${i}] (${input.id}): ${(error as Error).message}`);
    }
  }
  problems.push(...duplicates([...oidcUps, ...samlUps].map((u) => u.id), 'identity providers', 'id'));
  const orgs = await prepareOrganizations(core, organizations, new Set(users.map((u) => normalizeEmail(u.email))));
  problems.push(...orgs.problems, ...duplicates(organizations.map((o) => o.slug), 'organizations', 'slug'));
  if (problems.length) throw new ImportError(source, problems);

  const summary: ImportSummary = { clients: tally(), users: tally(), roles: tally(), saml_service_providers: tally(), identity_providers: tally(), organizations: tally(), warnings };
  await core.store.transaction(async (repos) => {
    // what changed, audited with the writes: who applied the file, and the diffs
    const { record } = repos;
    const note = async (type: string, id: string, outcome: Outcome, before?: object, after?: object) => {
      if (!dryRun && outcome !== 'unchanged') await record(actor, `${type}.${outcome === 'created' ? 'create' : 'update'}`, { type, id }, before, after);
    };
    for (const metadata of preparedClients) {
      const existing = await repos.clients.find(metadata.client_id);
      const outcome = !existing ? 'created' : isDeepStrictEqual(existing, metadata) ? 'unchanged' : 'updated';
      if (!dryRun && outcome !== 'unchanged') await repos.clients.save(metadata);
      summary.clients[outcome]++;
      await note('client', metadata.client_id, outcome, existing, metadata);
    }
    for (const fields of preparedUsers) {
      const existing = await repos.accounts.findByEmail(fields.email);
      const changes = existing
        ? Object.fromEntries(Object.entries(fields).filter(([k, v]) => !isDeepStrictEqual(existing[k as keyof AccountFields], v)))
        : fields;
      const outcome = !existing ? 'created' : Object.keys(changes).length ? 'updated' : 'unchanged';
      if (!dryRun && !existing) await repos.accounts.create(fields);
      if (!dryRun && existing && outcome === 'updated') await repos.accounts.update(existing.id, changes);
      summary.users[outcome]++;
      await note('account', fields.email, outcome, existing, existing ? { ...existing, ...changes } : fields);
    }
    const existingRoles = new Map((await repos.roles.list()).map((r) => [r.name, r]));
    for (const input of roles) {
      const next = { name: input.name, description: input.description ?? null, permissions: normalizePermissions(input.permissions) };
      const existing = existingRoles.get(next.name);
      const outcome = !existing ? 'created' : isDeepStrictEqual({ ...existing, permissions: normalizePermissions(existing.permissions) }, next) ? 'unchanged' : 'updated';
      if (!dryRun && outcome !== 'unchanged') await repos.roles.save(next);
      summary.roles[outcome]++;
      await note('role', next.name, outcome, existing, next);
    }
    for (const sp of preparedSps) {
      const existing = await repos.samlServiceProviders.find(sp.entityId);
      const outcome = !existing ? 'created' : isDeepStrictEqual({ ...existing, createdAt: 0, updatedAt: 0 }, { ...sp, createdAt: 0, updatedAt: 0 }) ? 'unchanged' : 'updated';
      if (!dryRun && outcome !== 'unchanged') await repos.samlServiceProviders.save(sp.entityId, sp.metadataXml, sp.settings);
      summary.saml_service_providers[outcome]++;
      await note('saml_sp', sp.entityId, outcome, existing && { settings: existing.settings }, { settings: sp.settings });
    }
    for (const upstream of preparedUpstreams) {
      const existing = await repos.upstreams.find(upstream.id);
      const outcome = !existing ? 'created' : isDeepStrictEqual(existing, upstream) ? 'unchanged' : 'updated';
      if (!dryRun && outcome !== 'unchanged') await repos.upstreams.save(upstream);
      summary.identity_providers[outcome]++;
      await note('identity_provider', upstream.id, outcome, existing, upstream);
    }
    for (const [i, outcome] of (await applyOrganizations(repos, orgs.prepared, dryRun)).entries()) {
      summary.organizations[outcome]++;
      await note('organization', orgs.prepared[i]!.fields.slug, outcome, undefined, orgs.prepared[i]);
    }
  });
  return summary;
}

/** Account fields from an import entry; a password already in place is not re-hashed. */
async function userFields(core: Core, input: ImportUser): Promise<Partial<AccountFields> & { email: string }> {
  const fields: Partial<AccountFields> & { email: string } = { email: normalizeEmail(input.email) };
  if (input.name !== undefined) fields.name = input.name;
  if (input.email_verified !== undefined) fields.emailVerified = input.email_verified;
  if (input.roles !== undefined) fields.roles = [...new Set(input.roles)];
  if (input.disabled !== undefined) fields.disabled = input.disabled;
  if (input.password_hash !== undefined) fields.passwordHash = input.password_hash;
  if (input.password !== undefined) {
    const problem = passwordProblem(input.password, { email: fields.email, name: input.name });
    if (problem) throw new AppError('weak_password', 400, `password ${problem}`);
    const existing = await core.store.accounts.findByEmail(fields.email);
    const { ok } = existing?.passwordHash ? await core.hasher.verify(existing.passwordHash, input.password) : { ok: false };
    fields.passwordHash = ok ? existing!.passwordHash : await core.hasher.hash(input.password);
  }
  return fields;
}

function duplicates(values: string[], list: string, field: string): string[] {
  const seen = new Map<string, number>();
  return values.flatMap((value, i) => {
    const first = seen.get(value);
    seen.set(value, first ?? i);
    return first === undefined ? [] : [`${list}[${i}].${field}: ${value} already appears at ${list}[${first}]`];
  });
}

const tally = (): Record<Outcome, number> => ({ created: 0, updated: 0, unchanged: 0 });
