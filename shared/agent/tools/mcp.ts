/**
 * Tools from MCP servers: list a server's tools, register them in the registry with the server's
 * JSON Schema (validated through zod's `z.fromJSONSchema`, so no extra runtime dependency), and invoke
 * them through the same validation, permissions, limits, idempotency and audit as built-in tools.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { z } from 'zod';
import { formatIssues } from '../../core/schema.ts';
import type { ToolRegistry } from './registry.ts';
import type { RateLimit, RegisteredTool } from './types.ts';

export interface McpToolOptions {
  /** Names the server in the registry's `source` ('mcp:<server>'). */
  server: string;
  /** Prefix added to each tool name to avoid clashes, e.g. 'files_'. Default none. */
  prefix?: string;
  timeoutMs?: number;
  rateLimit?: RateLimit;
}

/**
 * Connects to an MCP server started as a child process speaking stdio.
 * @example const client = await connectMcpStdio({ command: 'node', args: ['server.ts'] })
 */
export async function connectMcpStdio(params: {
  command: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
}): Promise<Client> {
  const client = new Client({ name: 'hearth-agent', version: '0.1.0' });
  await client.connect(new StdioClientTransport({ ...params, stderr: 'pipe' }));
  return client;
}

/**
 * Connects to an MCP server over Streamable HTTP.
 * @example const client = await connectMcpHttp('http://localhost:3000/mcp')
 */
export async function connectMcpHttp(url: string): Promise<Client> {
  const client = new Client({ name: 'hearth-agent', version: '0.1.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

/**
 * Lists the server's tools and registers each; returns the registered names.
 * @example await registerMcpTools(registry, client, { server: 'files' })
 */
export async function registerMcpTools(
  registry: ToolRegistry,
  client: Client,
  options: McpToolOptions,
): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : undefined);
    for (const tool of page.tools) {
      const registered = mcpTool(client, tool, options);
      registry.register(registered);
      names.push(registered.name);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return names;
}

interface McpToolInfo {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  annotations?: { readOnlyHint?: boolean };
}

function mcpTool(client: Client, info: McpToolInfo, options: McpToolOptions): RegisteredTool {
  let schema: z.ZodType;
  try {
    schema = z.fromJSONSchema(info.inputSchema);
  } catch {
    // A schema zod cannot express: accept any object rather than refusing the tool; the server validates too.
    schema = z.record(z.string(), z.unknown());
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  return {
    name: `${options.prefix ?? ''}${info.name}`,
    version: '1',
    description: info.description ?? info.name,
    parameters: info.inputSchema,
    source: `mcp:${options.server}`,
    // Only tools the server marks read-only are treated as free of side effects.
    sideEffects: info.annotations?.readOnlyHint !== true,
    timeoutMs,
    rateLimit: options.rateLimit,
    validate(args) {
      const parsed = schema.safeParse(args);
      return parsed.success
        ? { ok: true, value: parsed.data }
        : { ok: false, message: formatIssues(parsed.error.issues) };
    },
    async execute(args, ctx) {
      const result = await client.callTool({ name: info.name, arguments: args as Record<string, unknown> }, undefined, {
        signal: ctx.signal,
        timeout: timeoutMs,
      });
      const content = Array.isArray(result.content) ? result.content : [];
      const text = content
        .map((part: { type: string; text?: string }) => (part.type === 'text' ? (part.text ?? '') : `[${part.type}]`))
        .join('\n');
      if (result.isError) throw new Error(text || 'MCP tool reported an error');
      return result.structuredContent ?? text;
    },
  };
}
