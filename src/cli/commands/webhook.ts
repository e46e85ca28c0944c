import { parse, required, type Command } from '../command.ts';
import { UsageError } from '../cli-error.ts';
import { withCore } from '../with-core.ts';
import { cliActor } from '../cli-actor.ts';

const oneId = (args: string[], sub: string): string => {
  const { positionals } = parse(args, {}, true);
  if (positionals.length !== 1) throw new UsageError(`give the webhook's id: gatehouse webhook ${sub} ID`);
  return positionals[0]!;
};

/** gatehouse webhook add|list|remove|rotate-secret|enable|disable: subscriptions to audit events. */
export const webhookCommand: Command = async ([sub, ...args], config) => {
  switch (sub) {
    case 'add': {
      const { values } = parse(args, { url: { type: 'string' }, event: { type: 'string', multiple: true }, description: { type: 'string' } });
      const input = { url: required(values.url, '--url'), events: required(values.event, '--event'), description: values.description };
      const { subscription, secret } = await withCore(config, (core) => core.webhooks.create(cliActor(), input));
      process.stdout.write(`created webhook ${subscription.id}\nsecret: ${secret}\n(shown once; store it now)\n`);
      return 0;
    }
    case 'list': {
      parse(args, {});
      const [subscriptions, backlog] = await withCore(config, async (core) => [await core.webhooks.list(), await core.webhooks.backlog()] as const);
      for (const s of subscriptions) {
        process.stdout.write(`${s.id}\t${s.enabled ? 'enabled' : 'disabled'}\t${s.url}\t${s.events.join(',')}\t${backlog[s.id] ?? 0} pending\n`);
      }
      if (!subscriptions.length) process.stdout.write('no webhooks yet; add one with "gatehouse webhook add"\n');
      return 0;
    }
    case 'remove': {
      const id = oneId(args, sub);
      await withCore(config, (core) => core.webhooks.delete(cliActor(), id));
      process.stdout.write(`removed webhook ${id}\n`);
      return 0;
    }
    case 'rotate-secret': {
      const id = oneId(args, sub);
      const secret = await withCore(config, (core) => core.webhooks.rotateSecret(cliActor(), id));
      process.stdout.write(`secret: ${secret}\n(shown once; store it now)\n`);
      return 0;
    }
    case 'enable':
    case 'disable': {
      const id = oneId(args, sub);
      await withCore(config, (core) => (sub === 'enable' ? core.webhooks.enable(cliActor(), id) : core.webhooks.disable(cliActor(), id)));
      process.stdout.write(`${sub}d webhook ${id}\n`);
      return 0;
    }
    default:
      throw new UsageError('webhook needs a subcommand: add, list, remove, rotate-secret, enable or disable');
  }
};
