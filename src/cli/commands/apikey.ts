import { parse, required, type Command } from '../command.ts';
import { UsageError } from '../cli-error.ts';
import { withCore } from '../with-core.ts';
import { cliActor } from '../cli-actor.ts';
const when = (date: Date | null, none: string) => (date ? date.toISOString() : none);

/** gatehouse apikey create | list | revoke: API keys for machine callers (client_credentials). */
export const apikeyCommand: Command = async ([sub, ...args], config) => {
  switch (sub) {
    case 'create': {
      const { values } = parse(args, {
        name: { type: 'string' }, scope: { type: 'string', multiple: true }, 'expires-in': { type: 'string' },
        owner: { type: 'string' }, resource: { type: 'string' },
      });
      const days = values['expires-in'];
      if (days !== undefined && !/^\d+$/.test(days)) throw new UsageError('--expires-in takes a whole number of days');
      const { key, apiKey } = await withCore(config, async (core) => {
        const owner = values.owner === undefined ? undefined : await core.accounts.findByEmail(values.owner);
        if (values.owner !== undefined && !owner) throw new UsageError(`--owner: no account with email ${values.owner}`);
        return core.apiKeys.create({
          name: required(values.name, '--name'), scopes: values.scope?.flatMap((s) => s.split(' ').filter(Boolean)) ?? [],
          expiresInDays: days === undefined ? undefined : Number(days), owner: owner?.id, resource: values.resource,
        }, cliActor());
      });
      process.stdout.write(`created API key ${apiKey.id} (${apiKey.name}), expires ${when(apiKey.expiresAt, 'never')}\n`);
      process.stdout.write(`key: ${key}\n(shown once; store it now. Use it as client_id ${apiKey.id} and client_secret with the client_credentials grant.)\n`);
      return 0;
    }
    case 'list': {
      parse(args, {});
      const keys = await withCore(config, (core) => core.apiKeys.list());
      for (const k of keys) {
        const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : `expires ${when(k.expiresAt, 'never')}`;
        process.stdout.write(`${k.id}\t${k.name}\t${k.scopes.join(' ')}\t${state}\tlast used ${when(k.lastUsedAt, 'never')}\n`);
      }
      if (!keys.length) process.stdout.write('no API keys yet; add one with "gatehouse apikey create"\n');
      return 0;
    }
    case 'revoke': {
      const { positionals } = parse(args, {}, true);
      if (positionals.length !== 1) throw new UsageError('give the API key id to revoke: gatehouse apikey revoke ID');
      await withCore(config, (core) => core.apiKeys.revoke(positionals[0]!, cliActor()));
      process.stdout.write(`revoked API key ${positionals[0]}\n`);
      return 0;
    }
    default:
      throw new UsageError('apikey needs a subcommand: create, list or revoke');
  }
};
