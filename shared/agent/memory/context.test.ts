import { describe, expect, it } from 'vitest';
import { estimateMessagesTokens } from '../llm/tokens.ts';
import type { ChatMessage } from '../llm/types.ts';
import { boundContext } from './context.ts';

function conversation(turns: number): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: 'You are a helpful agent.' }];
  for (let i = 0; i < turns; i++) {
    messages.push({ role: 'user', content: `question ${i} about orders and refunds `.repeat(5) });
    messages.push({ role: 'assistant', content: `answer ${i} with some detail `.repeat(6) });
  }
  return messages;
}

describe('boundContext', () => {
  it('returns the messages unchanged when they fit', () => {
    const messages = conversation(2);
    expect(boundContext(messages, 10_000)).toEqual(messages);
  });

  it('keeps system messages and the latest turn, folds older ones, and stays within the bound', () => {
    const messages = conversation(50);
    const bounded = boundContext(messages, 600);
    expect(estimateMessagesTokens(bounded)).toBeLessThanOrEqual(600);
    expect(bounded[0]).toEqual(messages[0]);
    expect(bounded.at(-1)).toEqual(messages.at(-1));
    expect(bounded.some((m) => m.role === 'system' && m.content.startsWith('Earlier in this conversation'))).toBe(true);
  });

  it('never separates tool results from the assistant message that requested them', () => {
    const messages: ChatMessage[] = [{ role: 'system', content: 'sys' }];
    for (let i = 0; i < 30; i++) {
      messages.push({
        role: 'assistant',
        content: null,
        tool_calls: [{ id: `c${i}`, type: 'function', function: { name: 'kb_search', arguments: '{"query":"x"}' } }],
      });
      messages.push({ role: 'tool', tool_call_id: `c${i}`, content: 'result text '.repeat(20) });
    }
    const bounded = boundContext(messages, 300);
    expect(estimateMessagesTokens(bounded)).toBeLessThanOrEqual(300);
    const firstNonSystem = bounded.find((m) => m.role !== 'system');
    expect(firstNonSystem?.role).toBe('assistant');
  });

  it('truncates a single oversized latest message instead of dropping the question', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'word '.repeat(2000) },
    ];
    const bounded = boundContext(messages, 200);
    expect(estimateMessagesTokens(bounded)).toBeLessThanOrEqual(200);
    expect(bounded.at(-1)?.role).toBe('user');
    expect((bounded.at(-1)?.content ?? '').length).toBeGreaterThan(0);
  });
});
