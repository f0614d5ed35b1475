import { GroupCommit, submitBatchesInFlight } from './group-commit';

/** The batching rules of group commit (issue 16), on an in-memory writer that records its calls. */
describe('GroupCommit', () => {
  const setup = (maxInFlight: number, failMany = false) => {
    const calls: string[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const group = new GroupCommit<{ key: string; bad?: boolean }, string>({
      writeOne: async (w) => {
        calls.push([w.key]);
        if (calls.length === 1) await gate;
        if (w.bad) throw new Error(`refused ${w.key}`);
        return `ok ${w.key}`;
      },
      writeMany: async (ws) => {
        calls.push(ws.map((w) => w.key));
        if (failMany) throw new Error('batch refused');
        return ws.map((w) => `ok ${w.key}`);
      },
      key: (w) => w.key,
      maxInFlight,
      maxBatch: 100,
    });
    return { calls, release, group };
  };

  it('an idle writer sends a write at once on its own; writes arriving meanwhile go together, one per key', async () => {
    const { calls, release, group } = setup(1);
    const first = group.write({ key: 'a' });
    expect(calls).toEqual([['a']]);
    const rest = [group.write({ key: 'b' }), group.write({ key: 'c' }), group.write({ key: 'b' })];
    release();
    expect(await Promise.all([first, ...rest])).toEqual(['ok a', 'ok b', 'ok c', 'ok b']);
    // The second write of b waited for the batch after the one holding the first.
    expect(calls).toEqual([['a'], ['b', 'c'], ['b']]);
  });

  it('a refused batch is written one by one, so only the bad write fails', async () => {
    const { calls, release, group } = setup(1, true);
    const first = group.write({ key: 'a' });
    const rest = [group.write({ key: 'b' }), group.write({ key: 'c', bad: true }), group.write({ key: 'd' })];
    release();
    const out = await Promise.allSettled([first, ...rest]);
    expect(out.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(calls).toEqual([['a'], ['b', 'c', 'd'], ['b'], ['c'], ['d']]);
  });

  it('with 0 batches in flight every write goes on its own', async () => {
    const { calls, release, group } = setup(0);
    release();
    expect(await Promise.all([group.write({ key: 'a' }), group.write({ key: 'b' })])).toEqual(['ok a', 'ok b']);
    expect(calls).toEqual([['a'], ['b']]);
  });
});

describe('SUBMIT_BATCHES_IN_FLIGHT', () => {
  it('is one batch in flight unless set (the 2026-12-06 bench: more reports a second than 3), 0 turns batching off, nonsense is the default', () => {
    expect(submitBatchesInFlight({})).toBe(1);
    expect(submitBatchesInFlight({ SUBMIT_BATCHES_IN_FLIGHT: '' })).toBe(1);
    expect(submitBatchesInFlight({ SUBMIT_BATCHES_IN_FLIGHT: '3' })).toBe(3);
    expect(submitBatchesInFlight({ SUBMIT_BATCHES_IN_FLIGHT: '0' })).toBe(0);
    expect(submitBatchesInFlight({ SUBMIT_BATCHES_IN_FLIGHT: 'many' })).toBe(1);
    expect(submitBatchesInFlight({ SUBMIT_BATCHES_IN_FLIGHT: '-2' })).toBe(1);
  });
});
