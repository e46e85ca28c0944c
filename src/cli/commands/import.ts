import { applyImportFile } from '../../import/apply-import.ts';
import { parse, type Command } from '../command.ts';
import { UsageError } from '../cli-error.ts';
import { withCore } from '../with-core.ts';
import { cliActor } from '../cli-actor.ts';

export const importCommand: Command = async (args, config) => {
  const { values, positionals } = parse(args, { 'dry-run': { type: 'boolean' } }, true);
  if (positionals.length !== 1) throw new UsageError('give exactly one import file: gatehouse import FILE [--dry-run]');
  const dryRun = Boolean(values['dry-run']);
  const summary = await withCore(config, (core) => applyImportFile(core, positionals[0]!, { dryRun, actor: cliActor() }));
  for (const warning of summary.warnings) process.stderr.write(`gatehouse: warning: ${warning}\n`);
  const line = (name: string, t: Record<string, number>) => `${name}: ${t.created} created, ${t.updated} updated, ${t.unchanged} unchanged`;
  process.stdout.write(`${dryRun ? 'dry run, nothing written; would apply ' : ''}${line('clients', summary.clients)}; ${line('users', summary.users)}; ${line('roles', summary.roles)}; ${line('SAML service providers', summary.saml_service_providers)}; ${line('identity providers', summary.identity_providers)}; ${line('organizations', summary.organizations)}\n`);
  return 0;
};
