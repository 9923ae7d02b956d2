import { describe, expect, it } from 'vitest';
import { mergeSummaries } from './compact.ts';

describe('mergeSummaries', () => {
  it('merges lines once, counts turns, and keeps the newest lines within the bound', () => {
    const rows = [
      { summary: 'user: a\nassistant: b', turn_count: 2 },
      { summary: 'assistant: b\nuser: c', turn_count: 2 },
    ];
    expect(mergeSummaries(rows, 1_000)).toEqual({
      summary: 'Compacted history (2 summaries, 4 turns):\nuser: a\nassistant: b\nuser: c',
      turnCount: 4,
    });
    const bounded = mergeSummaries(rows, 'Compacted history (2 summaries, 4 turns):'.length + 9);
    expect(bounded.summary.split('\n').slice(1)).toEqual(['user: c']);
  });
  it('does not nest headers when a compacted summary is compacted again', () => {
    const once = mergeSummaries([{ summary: 'user: a', turn_count: 1 }], 1_000);
    const twice = mergeSummaries(
      [
        { summary: once.summary, turn_count: 1 },
        { summary: 'user: b', turn_count: 1 },
      ],
      1_000,
    );
    expect(twice.summary.match(/Compacted history/g)).toHaveLength(1);
  });
});
