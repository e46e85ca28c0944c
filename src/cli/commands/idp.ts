import { AppError } from '../../app-error.ts';
import { formatPath, oidcIdentityProvider, samlIdentityProvider } from '../../import/import-schema.ts';
import { pairs, parse, type Command } from '../command.ts';
import { UsageError } from '../cli-error.ts';
import { withCore } from '../with-core.ts';
import { cliActor } from '../cli-actor.ts';

const COMMON = {
  id: { type: 'string' }, name: { type: 'string' }, domain: { type: 'string', multiple: true }, 'trusted-domain': { type: 'string', multiple: true },
  'no-provision': { type: 'boolean' }, claim: { type: 'string', multiple: true }, 'roles-from': { type: 'string' }, role: { type: 'string', multiple: true },
} as const;

/** gatehouse idp add-oidc|add-saml|list|remove: upstream identity providers people sign in with. */
export const idpCommand: Command = async ([sub, ...args], config) => {
  const common = (values: Record<string, unknown>) => ({
    id: values.id, display_name: values.name, domains: values.domain, trusted_domains: values['trusted-domain'],
    provision: values['no-provision'] ? false : undefined, claims: pairs(values.claim as string[] | undefined, '--claim', 'KEY=VALUE'),
    roles: values['roles-from'] ? { from: values['roles-from'], map: pairs(values.role as string[] | undefined, '--role', 'KEY=VALUE') ?? {} } : undefined,
  });
  const checked = <T>(result: { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } }): T => {
    if (!result.success) throw new UsageError(result.error.issues.map((i) => `${formatPath(i.path) ? `${formatPath(i.path)}: ` : ''}${i.message}`).join('; '));
    return result.data;
  };
  switch (sub) {
    case 'add-oidc': {
      const { values } = parse(args, { ...COMMON, issuer: { type: 'string' }, 'client-id': { type: 'string' }, 'client-secret': { type: 'string' }, scopes: { type: 'string' } });
      const input = checked(oidcIdentityProvider.safeParse({
        ...common(values), issuer: values.issuer, client_id: values['client-id'], client_secret: values['client-secret'], scopes: values.scopes,
      }));
      await withCore(config, (core) => core.admin.upstreams.save(cliActor(), { kind: 'oidc', ...input }));
      process.stdout.write(`saved OIDC identity provider ${input.id}; its redirect URI: ${config.issuer}/federation/oidc/${input.id}/callback\n`);
      return 0;
    }
    case 'add-saml': {
      const { values } = parse(args, { ...COMMON, 'metadata-file': { type: 'string' }, 'metadata-url': { type: 'string' } });
      const input = checked(samlIdentityProvider.safeParse({ ...common(values), metadata_file: values['metadata-file'], metadata_url: values['metadata-url'] }));
      await withCore(config, (core) => core.admin.upstreams.save(cliActor(), { kind: 'saml', ...input }));
      process.stdout.write(`saved SAML identity provider ${input.id}; give it our metadata: ${config.issuer}/saml/sp/${input.id}/metadata\n`);
      return 0;
    }
    case 'list': {
      parse(args, {});
      const upstreams = await withCore(config, (core) => core.store.upstreams.list());
      for (const u of upstreams) process.stdout.write(`${u.id}\t${u.kind}\t${u.displayName}\t${u.domains.join(',') || '-'}\n`);
      if (!upstreams.length) process.stdout.write('no identity providers yet; add one with "gatehouse idp add-oidc" or "gatehouse idp add-saml"\n');
      return 0;
    }
    case 'remove': {
      const { positionals } = parse(args, {}, true);
      if (positionals.length !== 1) throw new UsageError('give the id to remove: gatehouse idp remove ID');
      await withCore(config, (core) => core.admin.upstreams.delete(cliActor(), positionals[0]!)).catch((error: unknown) => {
        throw error instanceof AppError && error.status === 404 ? new Error(`${error.message}; "gatehouse idp list" shows them`) : error;
      });
      process.stdout.write(`removed identity provider ${positionals[0]}\n`);
      return 0;
    }
    default:
      throw new UsageError('idp needs a subcommand: add-oidc, add-saml, list or remove');
  }
};
