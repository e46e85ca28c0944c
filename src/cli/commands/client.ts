import { parse, required, type Command } from '../command.ts';
import { UsageError } from '../cli-error.ts';
import { withCore } from '../with-core.ts';
import { cliActor } from '../cli-actor.ts';

export const clientCommand: Command = async ([sub, ...args], config) => {
  switch (sub) {
    case 'create': {
      const { values } = parse(args, {
        id: { type: 'string' }, secret: { type: 'string' }, name: { type: 'string' }, scope: { type: 'string' },
        'redirect-uri': { type: 'string', multiple: true }, 'post-logout-redirect-uri': { type: 'string', multiple: true },
        'grant-type': { type: 'string', multiple: true }, 'auth-method': { type: 'string' }, 'first-party': { type: 'boolean' },
      });
      const grantTypes = values['grant-type'] ?? ['authorization_code', 'refresh_token'];
      const metadata = {
        client_id: required(values.id, '--id'),
        client_secret: values.secret,
        client_name: values.name,
        scope: values.scope,
        redirect_uris: values['redirect-uri'] ?? [],
        post_logout_redirect_uris: values['post-logout-redirect-uri'],
        grant_types: grantTypes,
        response_types: grantTypes.includes('authorization_code') ? ['code'] : [],
        token_endpoint_auth_method: values['auth-method'] ?? 'client_secret_basic',
        first_party: values['first-party'] || undefined,
      };
      const { client, client_secret: generated, warnings } = await withCore(config, (core) => core.admin.clients.create(cliActor(), metadata));
      for (const warning of warnings) process.stderr.write(`gatehouse: warning: ${warning}\n`);
      process.stdout.write(`created client ${String(client.client_id)}\n`);
      if (generated !== undefined) process.stdout.write(`client_secret: ${generated}\n(shown once; store it now)\n`);
      return 0;
    }
    case 'list': {
      parse(args, {});
      const clients = await withCore(config, (core) => core.clients.list());
      for (const c of clients) {
        const uris = (c.redirect_uris as string[] | undefined)?.join(' ') ?? '';
        process.stdout.write(`${c.client_id}\t${(c.grant_types as string[] | undefined)?.join(',') ?? 'authorization_code'}\t${uris}\n`);
      }
      if (!clients.length) process.stdout.write('no clients yet; add one with "gatehouse client create"\n');
      return 0;
    }
    case 'delete': {
      const { positionals } = parse(args, {}, true);
      if (positionals.length !== 1) throw new UsageError('give the client_id to delete: gatehouse client delete ID');
      await withCore(config, (core) => core.admin.clients.delete(cliActor(), positionals[0]!));
      process.stdout.write(`deleted client ${positionals[0]}\n`);
      return 0;
    }
    default:
      throw new UsageError('client needs a subcommand: create, list or delete');
  }
};
