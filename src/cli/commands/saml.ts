import { AppError } from '../../app-error.ts';
import { formatPath, samlServiceProvider } from '../../import/import-schema.ts';
import { resolveSpInput } from '../../saml/sp-input.ts';
import { pairs, parse, type Command } from '../command.ts';
import { UsageError } from '../cli-error.ts';
import { withCore } from '../with-core.ts';
import { cliActor } from '../cli-actor.ts';

/** gatehouse saml sp add|list|remove: the downstream SAML service providers. */
export const samlCommand: Command = async ([noun, sub, ...args], config) => {
  if (noun !== 'sp') throw new UsageError('saml needs "sp": gatehouse saml sp add|list|remove');
  switch (sub) {
    case 'add': {
      const { values } = parse(args, {
        'metadata-file': { type: 'string' }, 'metadata-url': { type: 'string' }, attribute: { type: 'string', multiple: true },
        'name-id-format': { type: 'string' }, 'idp-initiated': { type: 'boolean' }, 'no-encryption': { type: 'boolean' },
        'no-response-signature': { type: 'boolean' }, 'no-assertion-signature': { type: 'boolean' },
      });
      const attributes = pairs(values.attribute, '--attribute', 'SOURCE=NAME, like email=mail');
      // the same schema as the import file's entries, so both say the same about the same mistake
      const parsed = samlServiceProvider.safeParse({
        metadata_file: values['metadata-file'], metadata_url: values['metadata-url'], attributes, name_id_format: values['name-id-format'],
        idp_initiated: values['idp-initiated'], encrypt_assertion: values['no-encryption'] ? false : undefined,
        sign_response: values['no-response-signature'] ? false : undefined, sign_assertion: values['no-assertion-signature'] ? false : undefined,
      });
      if (!parsed.success) {
        throw new UsageError(parsed.error.issues.map((i) => `${flagFor(formatPath(i.path))}${i.message}`).join('; ').replace('metadata, metadata_file or metadata_url', '--metadata-file or --metadata-url'));
      }
      const sp = await resolveSpInput(parsed.data, process.cwd()); // its entity ID says whether it is new
      const input = parsed.data;
      const existed = await withCore(config, async (core) => {
        const before = await core.saml.registry.find(sp.entityId);
        if (before) await core.admin.serviceProviders.update(cliActor(), sp.entityId, input);
        else await core.admin.serviceProviders.create(cliActor(), input);
        return Boolean(before);
      });
      process.stdout.write(`${existed ? 'updated' : 'added'} SAML service provider ${sp.entityId}\n`);
      return 0;
    }
    case 'list': {
      parse(args, {});
      const sps = await withCore(config, (core) => core.saml.registry.list());
      for (const sp of sps) {
        const flags = [sp.settings.encryptAssertion && 'encrypted', sp.settings.idpInitiated && 'idp-initiated'].filter(Boolean).join(',');
        process.stdout.write(`${sp.entityId}\t${sp.settings.nameIdFormat}\t${flags || '-'}\n`);
      }
      if (!sps.length) process.stdout.write('no SAML service providers yet; add one with "gatehouse saml sp add --metadata-file FILE"\n');
      return 0;
    }
    case 'remove': {
      const { positionals } = parse(args, {}, true);
      if (positionals.length !== 1) throw new UsageError('give the entity ID to remove: gatehouse saml sp remove ENTITY_ID');
      await withCore(config, (core) => core.admin.serviceProviders.delete(cliActor(), positionals[0]!)).catch((error: unknown) => {
        throw error instanceof AppError && error.status === 404 ? new Error(`${error.message}; "gatehouse saml sp list" shows them`) : error;
      });
      process.stdout.write(`removed SAML service provider ${positionals[0]}\n`);
      return 0;
    }
    default:
      throw new UsageError('saml sp needs a subcommand: add, list or remove');
  }
};

/** The CLI flag an import-file field corresponds to, for messages. */
const flagFor = (path: string) => (path ? `--${path.split('.')[0]!.replace(/_/g, '-').replace('attributes', 'attribute')}: ` : '');
