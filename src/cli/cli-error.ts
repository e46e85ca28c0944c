/** A mistake in how a command was called: exit code 2 and one sentence on stderr. */
export class UsageError extends Error {}
