import { describe, expect, it } from 'vitest';
import { argumentsFromSchema } from './offline-args.ts';

describe('argumentsFromSchema', () => {
  it('always fills required fields and leaves unrelated optional ones to the tool defaults', () => {
    const schema = {
      type: 'object',
      properties: {
        query: { type: 'string' },
        limit: { type: 'integer', minimum: 1 },
        verbose: { type: 'boolean' },
        mode: { type: 'string', enum: ['fast', 'deep'] },
      },
      required: ['query', 'mode'],
    };
    expect(argumentsFromSchema(schema, 'Find the refund policy for Germany')).toEqual({
      query: 'refund policy germany',
      mode: 'fast',
    });
  });

  it('uses defaults, minimums, maximums and exclusive minimums for numbers', () => {
    const schema = {
      type: 'object',
      properties: {
        a: { type: 'integer', default: 7 },
        b: { type: 'number', minimum: 2.5 },
        c: { type: 'integer', exclusiveMinimum: 0 },
        d: { type: 'integer', maximum: 0 },
        e: { type: 'boolean' },
      },
      required: ['a', 'b', 'c', 'd', 'e'],
    };
    expect(argumentsFromSchema(schema, 'x')).toEqual({ a: 7, b: 2.5, c: 1, d: 0, e: false });
  });

  it('fills free-text fields with the prompt and honours string formats and lengths', () => {
    const schema = {
      type: 'object',
      properties: {
        question: { type: 'string' },
        email: { type: 'string', format: 'email' },
        since: { type: 'string', format: 'date' },
        label: { type: 'string', minLength: 5, maxLength: 6 },
        id: { type: 'string', format: 'uuid' },
      },
      required: ['question', 'email', 'since', 'label', 'id'],
    };
    const args = argumentsFromSchema(schema, 'Mail ann@example.org the report since 2024-03-01');
    expect(args).toMatchObject({
      question: 'Mail ann@example.org the report since 2024-03-01',
      email: 'ann@example.org',
      since: '2024-03-01',
      label: 'mail a',
    });
    expect(args['id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(argumentsFromSchema(schema, 'Mail ann@example.org the report since 2024-03-01')['id']).toBe(args['id']);
  });

  it('gives identifier fields the first id-like token of the prompt', () => {
    const schema = {
      type: 'object',
      properties: { ticketId: { type: 'string' }, order_no: { type: 'string' }, reason: { type: 'string' } },
      required: ['ticketId', 'order_no', 'reason'],
    };
    expect(argumentsFromSchema(schema, 'Close ticket T-981 as duplicate')).toEqual({
      ticketId: 'T-981',
      order_no: 'T-981',
      reason: 'close ticket T-981 duplicate',
    });
    expect(
      argumentsFromSchema(
        { type: 'object', properties: { short: { type: 'string', minLength: 4 } }, required: ['short'] },
        'go',
      ),
    ).toEqual({ short: 'goxx' });
  });

  it('handles nested objects, arrays, nullable unions and local $refs', () => {
    const schema = {
      type: 'object',
      $defs: {
        Filter: { type: 'object', properties: { field: { type: 'string', const: 'status' } }, required: ['field'] },
      },
      properties: {
        keywords: { type: 'array', items: { type: 'string' }, maxItems: 2 },
        filters: { type: 'array', items: { $ref: '#/$defs/Filter' }, minItems: 1 },
        note: { anyOf: [{ type: 'null' }, { type: 'string' }] },
        page: { type: ['integer', 'null'], minimum: 1 },
      },
      required: ['keywords', 'filters', 'note', 'page'],
    };
    expect(argumentsFromSchema(schema, 'late invoices in march')).toEqual({
      keywords: ['late', 'invoices'],
      filters: [{ field: 'status' }],
      note: 'late invoices march',
      page: 1,
    });
  });

  it('returns an empty object for a schema without properties', () => {
    expect(argumentsFromSchema({ type: 'object' }, 'anything')).toEqual({});
  });
});
