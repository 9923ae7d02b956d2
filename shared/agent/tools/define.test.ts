import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from './define.ts';

const echo = defineTool({
  name: 'echo',
  description: 'Echoes a text',
  input: z.object({ text: z.string().min(1), times: z.number().int().default(1) }),
  run: ({ text, times }) => ({ text: text.repeat(times) }),
});

describe('defineTool', () => {
  it('publishes the input schema as JSON Schema', () => {
    expect(echo.parameters).toMatchObject({
      type: 'object',
      properties: { text: { type: 'string' } },
      required: ['text'],
    });
    expect(echo.parameters.$schema).toBeUndefined();
  });

  it('reports invalid arguments as path: message', () => {
    const checked = echo.validate({ text: 42 });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.message).toMatch(/^text: /);
  });

  it('rejects a bad tool name with a clear message', () => {
    expect(() => defineTool({ name: 'bad name', description: 'x', input: z.object({}), run: () => null })).toThrow(
      /must match/,
    );
  });
});
