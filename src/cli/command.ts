import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Config } from '../config/config.ts';
import { UsageError } from './cli-error.ts';

/** A CLI command: its arguments and the validated config in, an exit code out. */
export type Command = (args: string[], config: Config) => Promise<number>;

/** node:util parseArgs, with its errors turned into one-sentence usage errors. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!.replace(/\. To specify.*$/, ''));
  }
}

/** "KEY=VALUE" values of a repeated flag as an object; `shape` says what the flag takes. */
export function pairs(values: string[] | undefined, flag: string, shape: string): Record<string, string> | undefined {
  return values && Object.fromEntries(values.map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 1 || eq === pair.length - 1) throw new UsageError(`${flag} takes ${shape} (got "${pair}")`);
    return [pair.slice(0, eq), pair.slice(eq + 1)];
  }));
}

export function required<T>(value: T | undefined, flag: string): T {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required`);
  return value;
}

/** A password from --password, or the first line of standard input with --password-stdin. */
export async function readPassword(flags: { password?: string; 'password-stdin'?: boolean }): Promise<string> {
  if (flags.password !== undefined && flags['password-stdin']) throw new UsageError('give --password or --password-stdin, not both');
  if (flags.password !== undefined) return flags.password;
  if (!flags['password-stdin']) throw new UsageError('--password or --password-stdin is required');
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  return input.split(/\r?\n/)[0] ?? '';
}
