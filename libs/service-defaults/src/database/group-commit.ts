/** Each request's own outcome from a batch: its value, or the error only it met. */
export type Outcome<O> = { value: O } | { error: unknown };

interface Waiting<I, O> {
  request: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Runs requests in batches, one batch at a time: whatever arrives while a batch is running (or
 * within the tick that started it) goes into the next. Under load many requests share one
 * transaction and one commit; alone, a request waits no longer than a tick. `run` answers every
 * request of its batch, in order; if it throws, every request of the batch gets that error.
 */
export class GroupCommit<I, O> {
  private queue: Waiting<I, O>[] = [];
  private running = false;

  constructor(
    private readonly run: (requests: I[]) => Promise<Outcome<O>[]>,
    private readonly maxBatch: number,
  ) {}

  submit(request: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const outcomes = await this.run(batch.map((waiting) => waiting.request));
        batch.forEach((waiting, i) => {
          const outcome = outcomes[i];
          if ('value' in outcome) waiting.resolve(outcome.value);
          else waiting.reject(outcome.error);
        });
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    this.running = false;
  }
}

/**
 * Runs `statement` once for a whole batch (it answers each request, in order); if that fails, once
 * per request, so that an error one request's row meets (a constraint it breaks, a deadlock
 * with another replica's batch) is its own alone and the others still commit.
 */
export async function eachOnFailure<I, O>(
  requests: I[],
  statement: (requests: I[]) => Promise<O[]>,
): Promise<Outcome<O>[]> {
  try {
    return (await statement(requests)).map((value) => ({ value }));
  } catch (error) {
    if (requests.length === 1) return [{ error }];
    const outcomes: Outcome<O>[] = [];
    for (const request of requests) outcomes.push(...(await eachOnFailure([request], statement)));
    return outcomes;
  }
}
