import type { Core } from '../../app.ts';
import type { Account } from '../../accounts/account.ts';
import { AppError } from '../../app-error.ts';
import { parse, readPassword, required, type Command } from '../command.ts';
import { UsageError } from '../cli-error.ts';
import { withCore } from '../with-core.ts';
import { cliActor } from '../cli-actor.ts';

const passwordFlags = { password: { type: 'string' }, 'password-stdin': { type: 'boolean' } } as const;

async function accountByEmail(core: Core, email: string): Promise<Account> {
  const account = await core.accounts.findByEmail(email);
  if (!account) throw new AppError('account_not_found', 404, `no user with the email ${email}`);
  return account;
}

export const userCommand: Command = async ([sub, ...args], config) => {
  switch (sub) {
    case 'create': {
      const { values } = parse(args, {
        email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', multiple: true },
        verified: { type: 'boolean' }, ...passwordFlags,
      });
      const email = required(values.email, '--email');
      const password = await readPassword(values);
      const account = await withCore(config, (core) => core.admin.accounts.create(cliActor(), {
        email, password, name: values.name ?? null, roles: values.role ?? [], email_verified: Boolean(values.verified),
      }));
      process.stdout.write(`created user ${account.email} (id ${account.id})\n`);
      return 0;
    }
    case 'list': {
      parse(args, {});
      const accounts = await withCore(config, (core) => core.accounts.list());
      for (const a of accounts) {
        const flags = [a.emailVerified ? 'verified' : 'unverified', a.disabled ? 'disabled' : ''].filter(Boolean).join(', ');
        process.stdout.write(`${a.email}\t${a.id}\t${a.name ?? ''}\troles: ${a.roles.join(',') || '-'}\t${flags}\n`);
      }
      if (!accounts.length) process.stdout.write('no users yet; add one with "gatehouse user create"\n');
      return 0;
    }
    case 'set-password': {
      const { values } = parse(args, { email: { type: 'string' }, ...passwordFlags });
      const email = required(values.email, '--email');
      const password = await readPassword(values);
      await withCore(config, async (core) => core.admin.accounts.update(cliActor(), (await accountByEmail(core, email)).id, { password }));
      process.stdout.write(`password set for ${email}\n`);
      return 0;
    }
    case 'add-role': {
      const { values } = parse(args, { email: { type: 'string' }, role: { type: 'string' } });
      const email = required(values.email, '--email');
      const role = required(values.role, '--role');
      await withCore(config, async (core) => {
        const account = await accountByEmail(core, email);
        if (!account.roles.includes(role)) await core.admin.accounts.update(cliActor(), account.id, { roles: [...account.roles, role] });
      });
      process.stdout.write(`${email} has the role ${role}\n`);
      return 0;
    }
    default:
      throw new UsageError('user needs a subcommand: create, list, set-password or add-role');
  }
};
