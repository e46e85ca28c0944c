/** Waits for a condition, checking often, up to a bound; throws naming what did not happen. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Whether attempt() comes to hold within five seconds: for changes that reach other processes. */
export const eventually = (attempt: () => Promise<boolean>): Promise<boolean> => until(attempt, 'a change', 5_000).then(() => true, () => false);
