import { z } from 'zod';
import { formatIssues } from '../../core/schema.ts';
import type { RateLimit, RegisteredTool, ToolContext } from './types.ts';

/** A tool written in TypeScript: zod schemas in, a typed implementation. */
export interface ToolConfig<I extends z.ZodType, O extends z.ZodType> {
  /** Lowercase snake_case, as models expect (e.g. "kb_search"). */
  name: string;
  version?: string;
  description: string;
  input: I;
  output?: O;
  sideEffects?: boolean;
  /** Default 10 s. */
  timeoutMs?: number;
  rateLimit?: RateLimit;
  run(args: z.output<I>, ctx: ToolContext): Promise<z.input<O>> | z.input<O>;
}

const TOOL_NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/;

/**
 * Defines a tool; its input schema is published to models as JSON Schema (zod v4 `z.toJSONSchema`).
 * @example const echo = defineTool({ name: 'echo', description: 'Echoes', input: z.object({ text: z.string() }), run: ({ text }) => ({ text }) })
 */
export function defineTool<I extends z.ZodType, O extends z.ZodType = z.ZodUnknown>(
  config: ToolConfig<I, O>,
): RegisteredTool {
  if (!TOOL_NAME.test(config.name)) {
    throw new TypeError(`defineTool(): name "${config.name}" must match ${TOOL_NAME}, e.g. "kb_search"`);
  }
  if (config.rateLimit && (config.rateLimit.limit < 1 || config.rateLimit.windowMs < 1000)) {
    throw new TypeError(`defineTool("${config.name}"): rateLimit needs limit >= 1 and windowMs >= 1000`);
  }
  const parameters = z.toJSONSchema(config.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete parameters.$schema;
  return {
    name: config.name,
    version: config.version ?? '1',
    description: config.description,
    parameters,
    source: 'builtin',
    sideEffects: config.sideEffects ?? false,
    timeoutMs: config.timeoutMs ?? 10_000,
    rateLimit: config.rateLimit,
    validate(args) {
      const parsed = config.input.safeParse(args);
      return parsed.success
        ? { ok: true, value: parsed.data }
        : { ok: false, message: formatIssues(parsed.error.issues) };
    },
    async execute(args, ctx) {
      const result = await config.run(args as z.output<I>, ctx);
      // Output schemas guard the model from a tool's own bugs; a mismatch is a tool error.
      if (config.output) {
        const checked = config.output.safeParse(result);
        if (!checked.success) throw new Error(`tool output invalid: ${formatIssues(checked.error.issues)}`);
        return checked.data;
      }
      return result;
    },
  };
}
