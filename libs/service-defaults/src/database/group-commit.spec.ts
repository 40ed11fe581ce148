import { eachOnFailure, GroupCommit, type Outcome } from './group-commit';

/** A `run` that records its batches and answers each request with its double, refusing odd ones. */
function recorder(gate?: Promise<void>) {
  const batches: number[][] = [];
  const run = async (requests: number[]): Promise<Outcome<number>[]> => {
    batches.push(requests);
    await gate;
    return requests.map((n) => (n % 2 ? { error: new Error(`odd ${n}`) } : { value: n * 2 }));
  };
  return { batches, run };
}

describe('GroupCommit', () => {
  it('runs requests made in one tick as one batch, and answers each with its own outcome', async () => {
    const { batches, run } = recorder();
    const group = new GroupCommit(run, 100);
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((n) => group.submit(n)));
    expect(batches).toEqual([[1, 2, 3, 4]]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([
      'odd 1',
      4,
      'odd 3',
      8,
    ]);
  });

  it('runs one batch at a time: what arrives meanwhile waits for the next, at most maxBatch each', async () => {
    let open!: () => void;
    const { batches, run } = recorder(new Promise<void>((resolve) => (open = resolve)));
    const group = new GroupCommit(run, 3);
    const first = group.submit(0);
    await new Promise(setImmediate);
    const later = [2, 4, 6, 8].map((n) => group.submit(n));
    expect(batches).toEqual([[0]]);
    open();
    expect(await Promise.all([first, ...later])).toEqual([0, 4, 8, 12, 16]);
    expect(batches).toEqual([[0], [2, 4, 6], [8]]);
  });

  it('gives every request of a batch the error of a batch that failed, and goes on with the next', async () => {
    let calls = 0;
    const group = new GroupCommit(async (requests: number[]) => {
      if (calls++ === 0) throw new Error('commit failed');
      return requests.map((value) => ({ value }));
    }, 100);
    const failed = await Promise.allSettled([group.submit(1), group.submit(2)]);
    expect(failed.map((o) => o.status === 'rejected' && (o.reason as Error).message)).toEqual([
      'commit failed',
      'commit failed',
    ]);
    expect(await group.submit(3)).toBe(3);
  });
});

describe('eachOnFailure', () => {
  it('answers a batch from one statement while it succeeds', async () => {
    const calls: number[][] = [];
    const outcomes = await eachOnFailure([1, 2, 3], async (requests) => {
      calls.push(requests);
      return requests.map((n) => n * 2);
    });
    expect(outcomes).toEqual([{ value: 2 }, { value: 4 }, { value: 6 }]);
    expect(calls).toEqual([[1, 2, 3]]);
  });

  it('runs each request alone after the batch failed, so only the one at fault gets its error', async () => {
    const calls: number[][] = [];
    const outcomes = await eachOnFailure([1, 2, 3], async (requests) => {
      calls.push(requests);
      if (requests.includes(2)) throw new Error('2 breaks a constraint');
      return requests.map((n) => n * 2);
    });
    expect(outcomes).toEqual([{ value: 2 }, { error: new Error('2 breaks a constraint') }, { value: 6 }]);
    expect(calls).toEqual([[1, 2, 3], [1], [2], [3]]);
  });
});
