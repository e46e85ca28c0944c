import { cliActor as operator } from '../cli-actor.ts';
import { parse, required, type Command } from '../command.ts';
import { UsageError } from '../cli-error.ts';
import { withCore } from '../with-core.ts';

const memberFlags = { org: { type: 'string' }, email: { type: 'string' }, role: { type: 'string', multiple: true } } as const;

export const orgCommand: Command = async ([sub, ...args], config) => {
  switch (sub) {
    case 'create': {
      const { values } = parse(args, {
        slug: { type: 'string' }, name: { type: 'string' }, 'logo-url': { type: 'string' }, 'primary-color': { type: 'string' },
        'background-color': { type: 'string' }, 'require-mfa': { type: 'boolean' },
      });
      const org = await withCore(config, (core) => core.organizations.create(operator(), {
        slug: required(values.slug, '--slug'), name: required(values.name, '--name'), logo_url: values['logo-url'],
        primary_color: values['primary-color'], background_color: values['background-color'], require_mfa: Boolean(values['require-mfa']),
      }));
      process.stdout.write(`created organization ${org.slug} (id ${org.id})\n`);
      return 0;
    }
    case 'list': {
      parse(args, {});
      const orgs = await withCore(config, (core) => core.organizations.list());
      for (const o of orgs) process.stdout.write(`${o.slug}\t${o.id}\t${o.name}${o.requireMfa ? '\trequires MFA' : ''}\n`);
      if (!orgs.length) process.stdout.write('no organizations yet; add one with "gatehouse org create"\n');
      return 0;
    }
    case 'delete': {
      const { positionals } = parse(args, {}, true);
      if (positionals.length !== 1) throw new UsageError('give the organization to delete: gatehouse org delete SLUG');
      await withCore(config, (core) => core.organizations.delete(operator(), positionals[0]!));
      process.stdout.write(`deleted organization ${positionals[0]}\n`);
      return 0;
    }
    case 'add-member':
    case 'invite': {
      const { values } = parse(args, memberFlags);
      const [org, email] = [required(values.org, '--org'), required(values.email, '--email')];
      if (sub === 'invite') {
        const { expiresAt } = await withCore(config, (core) => core.organizations.invite(operator(), org, email, values.role));
        process.stdout.write(`invited ${email} to ${org}; the link works until ${expiresAt.toISOString()}\n`);
      } else {
        const member = await withCore(config, (core) => core.organizations.setMember(operator(), org, email, values.role));
        process.stdout.write(`${email} is a member of ${org} with roles: ${member.roles.join(',') || '-'}\n`);
      }
      return 0;
    }
    case 'remove-member': {
      const { values } = parse(args, { org: memberFlags.org, email: memberFlags.email });
      const [org, email] = [required(values.org, '--org'), required(values.email, '--email')];
      await withCore(config, (core) => core.organizations.removeMember(operator(), org, email));
      process.stdout.write(`${email} is no longer a member of ${org}\n`);
      return 0;
    }
    default:
      throw new UsageError('org needs a subcommand: create, list, delete, add-member, remove-member or invite');
  }
};
