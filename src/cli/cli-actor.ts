import os from 'node:os';
import type { Actor } from '../audit/changes.ts';

/** Changes made at the CLI are audited as the operating-system user who ran it. */
export function cliActor(): Actor {
  try {
    return `cli:${os.userInfo().username}`;
  } catch {
    return `cli:uid-${process.getuid?.() ?? 'unknown'}`; // a uid with no passwd entry (containers)
  }
}
