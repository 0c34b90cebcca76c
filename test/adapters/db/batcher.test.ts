import { describe, expect, it } from 'vitest';
import { batched, settled, type Settled } from '../../../src/adapters/db/batcher.js';

describe('batched (group commit)', () => {
  it('runs calls made together as one round, in call order, each getting its own outcome', async () => {
    const rounds: number[][] = [];
    const double = batched(async (items: number[]) => {
      rounds.push(items);
      return items.map((n): Settled<number> => (n < 0 ? settled.error(new Error(`negative: ${n}`)) : settled.value(n * 2)));
    });
    const results = await Promise.allSettled([double(1), double(2), double(-3), double(4)]);
    expect(rounds).toEqual([[1, 2, -3, 4]]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([2, 4, 'negative: -3', 8]);
  });

  it('gathers calls that arrive while a round runs into the next round', async () => {
    const rounds: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const echo = batched(async (items: number[]) => {
      rounds.push(items);
      if (rounds.length === 1) await gate;
      return items.map((n) => settled.value(n));
    });
    const first = echo(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [echo(2), echo(3)];
    release();
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3]);
    expect(rounds).toEqual([[1], [2, 3]]);
  });

  it('rejects every call of a round whose run fails, and keeps serving later calls', async () => {
    let fail = true;
    const flaky = batched(async (items: string[]) => {
      if (fail) throw new Error('connection reset');
      return items.map((s) => settled.value(s.toUpperCase()));
    });
    await expect(Promise.all([flaky('a'), flaky('b')])).rejects.toThrow('connection reset');
    fail = false;
    expect(await flaky('c')).toBe('C');
  });

  it('splits a large burst into rounds of at most maxPerRound', async () => {
    const sizes: number[] = [];
    const id = batched(async (items: number[]) => {
      sizes.push(items.length);
      return items.map((n) => settled.value(n));
    }, 3);
    expect(await Promise.all([1, 2, 3, 4, 5, 6, 7].map(id))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(sizes).toEqual([3, 3, 1]);
  });
});
