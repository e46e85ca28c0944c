import { verifyAuditLog } from '../../audit/audit-log.ts';
import { verifyCheckpoints } from '../../audit/checkpoints.ts';
import { parse, type Command } from '../command.ts';
import { UsageError } from '../cli-error.ts';
import { withCore } from '../with-core.ts';

/** gatehouse audit verify: walks the audit log's hash chain and names the first row that does not hold. */
export const auditCommand: Command = async ([sub, ...args], config) => {
  if (sub !== 'verify') throw new UsageError('audit needs a subcommand: verify');
  parse(args, {});
  const { result, signed } = await withCore(config, async (core) => ({
    result: await verifyAuditLog(core.store.audit),
    signed: await verifyCheckpoints(core.store.audit, core.signingKeys),
  }));
  if (!result.ok) throw new Error(`the audit log does not verify at row ${result.seq}: ${result.problem}`);
  if ('problem' in signed) throw new Error(`the audit log does not verify at row ${signed.seq}: ${signed.problem}`);
  process.stdout.write(`the audit log verifies: ${result.rows} rows, last hash ${result.lastHash}, ${signed.checked} signed checkpoint(s)\n`);
  return 0;
};
