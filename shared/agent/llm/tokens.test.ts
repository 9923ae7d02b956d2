import { describe, expect, it } from 'vitest';
import { estimateCompletionTokens, estimateMessagesTokens, estimateTokens } from './tokens.ts';
import type { ToolSpec } from './types.ts';

describe('estimateTokens', () => {
  it('counts about four narrow characters per token, rounded up', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abc')).toBe(1);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
    expect(estimateTokens('x'.repeat(400))).toBe(100);
  });

  it('counts wide characters (CJK, emoji) one token each', () => {
    expect(estimateTokens('日本語')).toBe(3);
    expect(estimateTokens('ab日本')).toBe(1 + 2);
    expect(estimateTokens('🙂')).toBe(1);
  });

  it('is deterministic', () => {
    const text = 'The quick brown fox jumps over the lazy dog.';
    expect(estimateTokens(text)).toBe(estimateTokens(text));
  });
});

describe('estimateMessagesTokens', () => {
  it('adds per-message overhead and reply priming', () => {
    expect(estimateMessagesTokens([])).toBe(3);
    expect(estimateMessagesTokens([{ role: 'user', content: 'hi' }])).toBe(3 + 4 + 1);
    expect(
      estimateMessagesTokens([
        { role: 'system', content: 'abcd' },
        { role: 'user', content: 'abcdefgh' },
      ]),
    ).toBe(3 + (4 + 1) + (4 + 2));
  });

  it('counts tool calls, tool results and tool definitions', () => {
    const base = estimateMessagesTokens([{ role: 'user', content: 'q' }]);
    const withCall = estimateMessagesTokens([
      { role: 'user', content: 'q' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'kb_search', arguments: '{"query":"x"}' } }],
      },
      { role: 'tool', content: 'result text', tool_call_id: 'c1' },
    ]);
    expect(withCall).toBeGreaterThan(base + 8);
    const tool: ToolSpec = {
      type: 'function',
      function: { name: 'kb_search', description: 'Search', parameters: { type: 'object' } },
    };
    const withTools = estimateMessagesTokens([{ role: 'user', content: 'q' }], [tool]);
    expect(withTools).toBe(base + 8 + estimateTokens(JSON.stringify(tool.function)));
  });
});

describe('estimateCompletionTokens', () => {
  it('counts text and tool call arguments', () => {
    expect(estimateCompletionTokens({ role: 'assistant', content: 'abcdefgh' })).toBe(2);
    expect(
      estimateCompletionTokens({
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'a', type: 'function', function: { name: 'abcd', arguments: '{}' } }],
      }),
    ).toBe(2);
  });
});
