import { AppError } from '../../src/app-error.ts';
import { HashSlots } from '../../src/accounts/hash-slots.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Tasks that run until the test settles them, counting how many have started and how many run
 * at once. `settle` finishes the oldest running task (or fails it); the next queued one may start.
 */
function gauge() {
  let running = 0;
  let started = 0;
  let peak = 0;
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const task = () => new Promise<void>((resolve, reject) => {
    running++;
    started++;
    peak = Math.max(peak, running);
    pending.push({ resolve, reject });
  });
  const settle = async (failure?: Error) => {
    const next = pending.shift();
    if (!next) throw new Error('no task is running');
    running--;
    if (failure) next.reject(failure);
    else next.resolve();
    await tick();
  };
  return { task, settle, started: () => started, running: () => running, peak: () => peak };
}

describe('HashSlots', () => {
  it('says it is full, before any work, exactly when a hash would be refused', async () => {
    const slots = new HashSlots(1, 1);
    const g = gauge();
    expect(() => slots.checkCapacity()).not.toThrow();
    const first = slots.run(g.task);
    expect(() => slots.checkCapacity()).not.toThrow(); // one may still wait
    const second = slots.run(g.task);
    expect(slots.full).toBe(true);
    expect(() => slots.checkCapacity()).toThrow(expect.objectContaining({ code: 'busy', status: 429 }));
    await expect(slots.run(g.task)).rejects.toMatchObject({ code: 'busy' });
    await tick();
    await g.settle();
    expect(slots.full).toBe(false);
    await g.settle();
    await Promise.all([first, second]);
  });

  it('never runs more than its size at once, and runs the queued ones as slots free up', async () => {
    const slots = new HashSlots(2, 10);
    const g = gauge();
    const runs = Array.from({ length: 4 }, () => slots.run(g.task));
    await tick();
    expect(g.started()).toBe(2);

    await g.settle();
    expect(g.started()).toBe(3);
    runs.push(slots.run(g.task)); // arrives after a slot was handed over: it waits too
    await tick();
    expect(g.running()).toBe(2);

    while (g.running()) await g.settle();
    await Promise.all(runs);
    expect(g.started()).toBe(5);
    expect(g.peak()).toBe(2);
  });

  it('answers 429 at once when the waiting line is full, and takes work again once it drains', async () => {
    const slots = new HashSlots(1, 1);
    const g = gauge();
    const first = slots.run(g.task);
    const queued = slots.run(g.task);

    const refused = await slots.run(g.task).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'busy', status: 429, retryAfter: 1 });
    expect(g.started()).toBe(1);

    await g.settle();
    await g.settle();
    await Promise.all([first, queued]);
    await expect(slots.run(async () => 'ok')).resolves.toBe('ok');
  });

  // PasswordHasher sizes it at CPUs - 1, which is 0 on a one-CPU machine.
  it('keeps at least one slot', async () => {
    await expect(new HashSlots(0, 0).run(async () => 'ok')).resolves.toBe('ok');
  });

  it('frees the slot of a task that fails', async () => {
    const slots = new HashSlots(1, 0);
    await expect(slots.run(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    await expect(slots.run(async () => 'ok')).resolves.toBe('ok');
  });

  it('hands the slot of a failing task to the next in line', async () => {
    const slots = new HashSlots(1, 1);
    const g = gauge();
    const failing = slots.run(g.task).catch((error: Error) => error.message);
    const queued = slots.run(g.task);
    await tick();

    await g.settle(new Error('boom'));
    expect(await failing).toBe('boom');
    expect(g.started()).toBe(2);
    await g.settle();
    await queued;
    await expect(slots.run(async () => 'ok')).resolves.toBe('ok');
  });
});
