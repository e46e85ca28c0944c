import { AppError } from '../../src/app-error.ts';
import { HashSlots } from '../../src/accounts/hash-slots.ts';

/** A task that runs until released, recording how many run at once. */
function gauge() {
  let running = 0;
  let peak = 0;
  const releases: (() => void)[] = [];
  const task = () => new Promise<void>((resolve) => {
    running++;
    peak = Math.max(peak, running);
    releases.push(() => {
      running--;
      resolve();
    });
  });
  const releaseAll = async () => {
    while (releases.length || running) {
      releases.splice(0).forEach((release) => release());
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { task, releaseAll, peak: () => peak };
}

describe('HashSlots', () => {
  it('never runs more than its size at once, and runs the queued ones after', async () => {
    const slots = new HashSlots(2, 10);
    const { task, releaseAll, peak } = gauge();
    const all = Promise.all(Array.from({ length: 6 }, () => slots.run(task)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(peak()).toBe(2);
    await releaseAll();
    await all;
    expect(peak()).toBe(2);
  });

  it('answers 429 at once when the waiting line is full', async () => {
    const slots = new HashSlots(1, 1);
    const { task, releaseAll } = gauge();
    const first = slots.run(task);
    const second = slots.run(task);
    const refused = await slots.run(task).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 429, retryAfter: 1, code: 'busy' });
    await releaseAll();
    await Promise.all([first, second]);
  });

  it('frees the slot of a task that fails', async () => {
    const slots = new HashSlots(1, 0);
    await expect(slots.run(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    await expect(slots.run(async () => 'ok')).resolves.toBe('ok');
  });
});
