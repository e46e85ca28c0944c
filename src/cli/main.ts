import { loadConfig } from '../config/load.ts';
import { UsageError } from './cli-error.ts';
import { clientCommand } from './commands/client.ts';
import { importCommand } from './commands/import.ts';
import { keysCommand } from './commands/keys.ts';
import { registrationCommand } from './commands/registration.ts';
import { migrateCommand } from './commands/migrate.ts';
import { serveCommand } from './commands/serve.ts';
import { userCommand } from './commands/user.ts';
import { samlCommand } from './commands/saml.ts';
import { idpCommand } from './commands/idp.ts';
import { auditCommand } from './commands/audit.ts';
import { orgCommand } from './commands/org.ts';
import { webhookCommand } from './commands/webhook.ts';
import { apikeyCommand } from './commands/apikey.ts';
import type { Command } from './command.ts';

const COMMANDS: Record<string, Command> = {
  serve: serveCommand,
  migrate: migrateCommand,
  import: importCommand,
  user: userCommand,
  client: clientCommand,
  keys: keysCommand,
  registration: registrationCommand,
  saml: samlCommand,
  idp: idpCommand,
  audit: auditCommand,
  org: orgCommand,
  webhook: webhookCommand,
  apikey: apikeyCommand,
};

const USAGE = `usage: gatehouse <command>

  serve                                   start the server
  migrate [--check]                       apply database migrations; --check fails on pending migrations or drift
  import FILE [--dry-run]                 apply an import file (YAML or JSON), all or nothing
  user create --email E [--password P | --password-stdin] [--name N] [--role R]... [--verified]
  user list
  user set-password --email E [--password P | --password-stdin]
  user add-role --email E --role R
  client create --id ID [--redirect-uri U]... [--grant-type G]... [--auth-method M] [--secret S]
                [--name N] [--scope S] [--post-logout-redirect-uri U]... [--first-party]
  client list
  client delete ID
  keys list
  keys rotate
  registration token [--ttl SECONDS]      an initial access token for dynamic client registration
  saml sp add (--metadata-file F | --metadata-url U) [--attribute SOURCE=NAME]... [--name-id-format F]
              [--idp-initiated] [--no-encryption] [--no-response-signature] [--no-assertion-signature]
  saml sp list
  saml sp remove ENTITY_ID
  idp add-oidc --id ID --name N --issuer URL --client-id C [--client-secret S] [--scopes S] [common]
  idp add-saml --id ID --name N (--metadata-file F | --metadata-url U) [common]
      common: [--domain D]... [--trusted-domain D]... [--no-provision] [--claim OURS=THEIRS]...
              [--roles-from CLAIM --role THEIR_VALUE=OUR_ROLE...]
  idp list
  idp remove ID
  org create --slug S --name N [--logo-url U] [--primary-color #RRGGBB] [--background-color #RRGGBB] [--require-mfa]
  org list | org delete SLUG
  org add-member|invite --org SLUG --email E [--role R]...   (invite mails a single-use link)
  org remove-member --org SLUG --email E
  audit verify                            check the audit log's hash chain; names the first row that does not hold
  webhook add --url U --event E... [--description D]   subscribe to audit events (E: sign_in, admin.*, *)
  webhook list | remove ID | rotate-secret ID | enable ID | disable ID
  apikey create --name N --scope S... [--expires-in DAYS] [--owner EMAIL] [--resource R]
  apikey list
  apikey revoke ID

Settings come from the environment (see README).`;

async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command "${name}"; run "gatehouse help" for the list`);
  return command(rest, loadConfig());
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  // One sentence (or the list of problems) on stderr; never a stack trace.
  process.stderr.write(`gatehouse: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
