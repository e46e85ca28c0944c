import { verifyAuditLog } from '../../audit/audit-log.ts';
import { parse, type Command } from '../command.ts';
import { UsageError } from '../cli-error.ts';
import { withCore } from '../with-core.ts';

/** gatehouse audit verify: walks the audit log's hash chain and names the first row that does not hold. */
export const auditCommand: Command = async ([sub, ...args], config) => {
  if (sub !== 'verify') throw new UsageError('audit needs a subcommand: verify');
  parse(args, {});
  const result = await withCore(config, (core) => verifyAuditLog(core.store.audit));
  if (!result.ok) throw new Error(`the audit log does not verify at row ${result.seq}: ${result.problem}`);
  process.stdout.write(`the audit log verifies: ${result.rows} rows, last hash ${result.lastHash}\n`);
  return 0;
};
