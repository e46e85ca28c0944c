/** Polls until attempt() holds, for at most five seconds: for changes that reach other processes. */
export async function eventually(attempt: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if (await attempt()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
