/**
 * Group commit: calls made while the database is busy are gathered and run
 * together as one round (one statement or one short transaction) instead of
 * one each. On a loaded server a query's fixed cost — a round trip, a
 * transaction, a lock — dwarfs its per-row cost, so fifty concurrent confirms
 * become one transaction rather than fifty queued behind one another.
 *
 * The first call runs on the next turn of the event loop; calls that arrive
 * while a round is running form the next round. A lone call therefore waits
 * for nothing but a setImmediate.
 */

/** One call's outcome within a round: its value, or the error for that call alone. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export const settled = {
  value: <T>(value: T): Settled<T> => ({ ok: true, value }),
  error: <T>(error: unknown): Settled<T> => ({ ok: false, error }),
};

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * `run` gets the items of one round, in call order, and returns one outcome
 * per item in the same order. If `run` itself throws, every call of that
 * round rejects with its error.
 */
export function batched<I, O>(run: (items: I[]) => Promise<Settled<O>[]>, maxPerRound = 200): (item: I) => Promise<O> {
  let queue: Waiting<I, O>[] = [];
  let scheduled = false;

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const round = queue.slice(0, maxPerRound);
      queue = queue.slice(round.length);
      try {
        const outcomes = await run(round.map((w) => w.item));
        round.forEach((w, i) => {
          const outcome = outcomes[i];
          if (!outcome) w.reject(new Error('batched round returned fewer outcomes than calls'));
          else if (outcome.ok) w.resolve(outcome.value);
          else w.reject(outcome.error);
        });
      } catch (error) {
        for (const w of round) w.reject(error);
      }
    }
    scheduled = false;
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => void drain());
      }
    });
}
