/**
 * The uniform shape every tool takes inside the registry, whether defined in TypeScript with zod
 * or discovered on an MCP server.
 */
import type { KvStore, SqlStore } from '../../core/ports.ts';

/** A fixed-window limit on calls per agent per tool. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/** What a tool's implementation receives besides its validated arguments. */
export interface ToolContext {
  agent: string;
  taskId: string;
  sessionId: string;
  step: number;
  /** Set for side-effecting tools: `<taskId>:<step>:<callIndex>`, stable across resumed runs. */
  idempotencyKey: string | undefined;
  /** Aborted when the tool's timeout elapses or the run is cancelled. */
  signal: AbortSignal;
  sql: SqlStore;
  kv: KvStore;
}

/** Argument validation outcome: the parsed value or a `path: message` text for the model. */
export type ArgsCheck = { ok: true; value: unknown } | { ok: false; message: string };

export interface RegisteredTool {
  name: string;
  version: string;
  description: string;
  /** JSON Schema of the arguments, as published to the model. */
  parameters: Record<string, unknown>;
  /** 'builtin' or 'mcp:<server>'. */
  source: string;
  sideEffects: boolean;
  timeoutMs: number;
  rateLimit: RateLimit | undefined;
  validate(args: unknown): ArgsCheck;
  execute(args: unknown, ctx: ToolContext): Promise<unknown>;
}
