import { describe, expect, it } from 'vitest';
import { OfflineDeterministicModel, pickTools } from './offline-model.ts';
import { estimateMessagesTokens } from './tokens.ts';
import type { ChatMessage, ToolSpec } from './types.ts';

const tools: ToolSpec[] = [
  {
    type: 'function',
    function: {
      name: 'kb_search',
      description: 'Search the knowledge base articles for a query',
      parameters: {
        type: 'object',
        properties: { query: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 20, default: 5 } },
        required: ['query'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'order_status',
      description: 'Look up the shipping status of an order by its id',
      parameters: {
        type: 'object',
        properties: { orderId: { type: 'string' }, region: { type: 'string', enum: ['eu', 'us'] } },
        required: ['orderId', 'region'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: { type: 'object', properties: {} },
    },
  },
];

const model = new OfflineDeterministicModel();

describe('OfflineDeterministicModel', () => {
  it('is named and labelled offline-deterministic', () => {
    expect(model.name).toBe('offline-deterministic');
    expect(model.provider).toBe('offline-deterministic');
  });

  it('plans tool calls from the prompt on the first step, with schema-built arguments', async () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You are a support agent.' },
      { role: 'user', content: 'What is the status of my order A-17?' },
    ];
    const response = await model.complete({ messages, tools });
    expect(response.finishReason).toBe('tool_calls');
    expect(response.message.content).toBeNull();
    const calls = response.message.tool_calls ?? [];
    expect(calls.map((c) => c.function.name)).toEqual(['order_status']);
    expect(JSON.parse(calls[0]?.function.arguments ?? '')).toEqual({ orderId: 'A-17', region: 'eu' });
    expect(calls[0]?.id).toMatch(/^call_[0-9a-f]{16}$/);
    expect(response.usage).toEqual({
      promptTokens: estimateMessagesTokens(messages, tools),
      completionTokens: response.usage.completionTokens,
      totalTokens: estimateMessagesTokens(messages, tools) + response.usage.completionTokens,
      estimated: true,
    });
  });

  it('fills a query field with the key terms of the prompt', async () => {
    const response = await model.complete({
      messages: [{ role: 'user', content: 'Search the articles about refund policy' }],
      tools,
    });
    const call = response.message.tool_calls?.[0];
    expect(call?.function.name).toBe('kb_search');
    expect(JSON.parse(call?.function.arguments ?? '')).toEqual({ query: 'search articles refund policy' });
  });

  it('answers from the observations once tool results follow the user message', async () => {
    const first = await model.complete({ messages: [{ role: 'user', content: 'order status for A-17' }], tools });
    const call = first.message.tool_calls?.[0];
    if (!call) throw new Error('expected a tool call');
    const messages: ChatMessage[] = [
      { role: 'user', content: 'order status for A-17' },
      first.message,
      {
        role: 'tool',
        tool_call_id: call.id,
        content: JSON.stringify({ orderId: 'A-17', status: 'shipped', items: [1, 2] }),
      },
    ];
    const response = await model.complete({ messages, tools });
    expect(response.finishReason).toBe('stop');
    expect(response.message.tool_calls).toBeUndefined();
    expect(response.message.content).toBe(
      'Based on 1 tool result for "order status A-17":\n- order_status: orderId: A-17; status: shipped; items: 2 items',
    );
  });

  it('answers from the prompt when no tool is offered or none matches', async () => {
    const noTools = await model.complete({ messages: [{ role: 'user', content: 'Tell me about Kafka partitions' }] });
    expect(noTools.finishReason).toBe('stop');
    expect(noTools.message.content).toBe(
      'You asked about: kafka, partitions. (Deterministic offline answer: no language model is configured.)',
    );
    const noMatch = await model.complete({ messages: [{ role: 'user', content: 'Compose a haiku' }], tools });
    expect(noMatch.message.tool_calls).toBeUndefined();
  });

  it('stops at maxTokens with finish reason length', async () => {
    const response = await model.complete({
      messages: [{ role: 'user', content: 'Tell me about Kafka partitions' }],
      maxTokens: 3,
    });
    expect(response.finishReason).toBe('length');
    expect(response.message.content).toHaveLength(12);
  });

  it('gives the same output for the same input', async () => {
    const request = {
      messages: [{ role: 'user' as const, content: 'search knowledge base for invoices and order status' }],
      tools,
    };
    const a = await model.complete(request);
    const b = await new OfflineDeterministicModel().complete(structuredClone(request));
    expect(b).toEqual(a);
  });
});

describe('pickTools', () => {
  it('scores name matches above description matches and keeps the close runners-up', () => {
    expect(pickTools('weather in Paris', tools).map((t) => t.function.name)).toEqual(['get_weather']);
    expect(pickTools('search knowledge base for order status', tools).map((t) => t.function.name)).toEqual([
      'order_status',
      'kb_search',
    ]);
    expect(pickTools('hello', tools)).toEqual([]);
  });
});
