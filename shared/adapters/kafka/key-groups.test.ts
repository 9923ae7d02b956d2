import { describe, expect, it } from 'vitest';
import { completedPrefix, groupByKey, runBounded } from './key-groups.ts';

describe('groupByKey', () => {
  it('keeps batch order within each key and puts null keys in one group', () => {
    const groups = groupByKey(['a1', 'b1', 'n1', 'a2', 'n2', 'b2'], (s) => (s.startsWith('n') ? null : s.slice(0, 1)));
    expect(groups.map((g) => g.map((x) => `${x.index}:${x.item}`))).toEqual([
      ['0:a1', '3:a2'],
      ['1:b1', '5:b2'],
      ['2:n1', '4:n2'],
    ]);
  });
});

describe('runBounded', () => {
  it('never runs more than the limit at once and runs every task', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await runBounded([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(n);
      running -= 1;
    });
    expect(peak).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('waits for running tasks, starts no new one after a failure, then rethrows it', async () => {
    const finished: number[] = [];
    const run = runBounded([1, 2, 3, 4], 2, async (n) => {
      if (n === 1) throw new Error('task 1 failed');
      await new Promise((resolve) => setTimeout(resolve, 20));
      finished.push(n);
    });
    await expect(run).rejects.toThrow('task 1 failed');
    expect(finished).toEqual([2]);
  });
});

describe('completedPrefix', () => {
  it('counts completed items up to the first gap', () => {
    expect(completedPrefix([true, true, false, true])).toBe(2);
    expect(completedPrefix([false, true])).toBe(0);
    expect(completedPrefix([true, true])).toBe(2);
  });
});
