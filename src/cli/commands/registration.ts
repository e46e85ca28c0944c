import { REGISTRATION_POLICY } from '../../provider/registration-policy.ts';
import { parse, type Command } from '../command.ts';
import { UsageError } from '../cli-error.ts';
import { withCore } from '../with-core.ts';

export const registrationCommand: Command = async ([sub, ...args], config) => {
  if (sub !== 'token') throw new UsageError('registration needs a subcommand: token');
  const { values } = parse(args, { ttl: { type: 'string' } });
  const ttl = Number(values.ttl ?? 86400);
  if (!Number.isInteger(ttl) || ttl < 60 || ttl > 31536000) throw new UsageError('--ttl must be whole seconds between 60 and 31536000');
  if (!config.registration) throw new UsageError('dynamic registration is off; set REGISTRATION=initial-access-token first');
  const token = await withCore(config, async (core) => {
    const iat = new core.provider.InitialAccessToken({ expiresIn: ttl, policies: [REGISTRATION_POLICY] });
    return iat.save();
  });
  process.stdout.write(`${token}\n(an initial access token for ${config.issuer}/reg, valid ${ttl} s; keep it secret)\n`);
  return 0;
};
