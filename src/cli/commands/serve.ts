import type { Command } from '../command.ts';
import { parse } from '../command.ts';
import { main } from '../../server.ts';

export const serveCommand: Command = async (args) => {
  parse(args, {});
  await main();
  return new Promise(() => {}); // runs until a signal stops the process
};
