/**
 * A tiny MCP server over stdio for the agent integration tests: `add` (read-only) and `shout`
 * (upper-cases text). Run with `node test/support/mcp-server.ts`.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'hearth-test-mcp', version: '1.0.0' });

server.registerTool(
  'add',
  {
    description: 'Adds two numbers.',
    inputSchema: { a: z.number(), b: z.number() },
    annotations: { readOnlyHint: true },
  },
  ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }),
);

server.registerTool(
  'shout',
  { description: 'Upper-cases a text.', inputSchema: { text: z.string().min(1) } },
  ({ text }) => ({ content: [{ type: 'text', text: text.toUpperCase() }] }),
);

await server.connect(new StdioServerTransport());
