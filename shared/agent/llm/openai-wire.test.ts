import { describe, expect, it } from 'vitest';
import { MalformedCompletionError, parseCompletion, toWireRequest } from './openai-wire.ts';
import { estimateMessagesTokens } from './tokens.ts';
import type { ChatRequest } from './types.ts';

const request: ChatRequest = {
  messages: [{ role: 'user', content: 'hello there' }],
  tools: [{ type: 'function', function: { name: 'kb_search', description: 'Search', parameters: { type: 'object' } } }],
  maxTokens: 128,
  temperature: 0,
};
const who = { model: 'gpt-4o', provider: 'openai' };

describe('toWireRequest', () => {
  it('sends model, messages, tools, max_tokens and temperature', () => {
    expect(toWireRequest(request, { model: 'gpt-4o' })).toEqual({
      model: 'gpt-4o',
      messages: request.messages,
      tools: request.tools,
      max_tokens: 128,
      temperature: 0,
    });
  });

  it('omits the model (Azure), empty tool lists and unset options; can use max_completion_tokens', () => {
    const body = toWireRequest(
      { messages: request.messages, tools: [], maxTokens: 5 },
      { maxTokensField: 'max_completion_tokens' },
    );
    expect(body).toEqual({ messages: request.messages, max_completion_tokens: 5 });
  });
});

describe('parseCompletion', () => {
  it('reads content, finish reason and usage', () => {
    const response = parseCompletion(
      {
        choices: [{ message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
      },
      request,
      who,
    );
    expect(response).toEqual({
      message: { role: 'assistant', content: 'hi' },
      finishReason: 'stop',
      usage: { promptTokens: 12, completionTokens: 3, totalTokens: 15, estimated: false },
      model: 'gpt-4o',
      provider: 'openai',
    });
  });

  it('reads tool calls, accepting object arguments and "stop" from local servers', () => {
    const response = parseCompletion(
      {
        choices: [
          {
            message: {
              content: null,
              tool_calls: [
                { id: 'call_1', type: 'function', function: { name: 'kb_search', arguments: '{"query":"x"}' } },
                { type: 'function', function: { name: 'kb_search', arguments: { query: 'y' } } },
              ],
            },
            finish_reason: 'stop',
          },
        ],
      },
      request,
      who,
    );
    expect(response.finishReason).toBe('tool_calls');
    expect(response.message.tool_calls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'kb_search', arguments: '{"query":"x"}' } },
      { id: 'call_unnamed_1', type: 'function', function: { name: 'kb_search', arguments: '{"query":"y"}' } },
    ]);
  });

  it('estimates usage when the provider reports none', () => {
    const response = parseCompletion(
      { choices: [{ message: { content: 'abcdefgh' }, finish_reason: 'length' }] },
      request,
      who,
    );
    expect(response.finishReason).toBe('length');
    expect(response.usage).toEqual({
      promptTokens: estimateMessagesTokens(request.messages, request.tools),
      completionTokens: 2,
      totalTokens: estimateMessagesTokens(request.messages, request.tools) + 2,
      estimated: true,
    });
  });

  it('maps unknown finish reasons to "other"', () => {
    expect(
      parseCompletion({ choices: [{ message: { content: '' }, finish_reason: 'eos' }] }, request, who).finishReason,
    ).toBe('other');
  });

  it('rejects bodies that are not chat completions', () => {
    expect(() => parseCompletion({ choices: [] }, request, who)).toThrow(MalformedCompletionError);
    expect(() => parseCompletion('nope', request, who)).toThrow(/body is not a JSON object/);
    expect(() => parseCompletion({ choices: [{ message: { content: 5 } }] }, request, who)).toThrow(
      /content is not a string/,
    );
    expect(() => parseCompletion({ choices: [{ message: { tool_calls: [{}] } }] }, request, who)).toThrow(
      /tool_calls\[0\]/,
    );
  });
});
