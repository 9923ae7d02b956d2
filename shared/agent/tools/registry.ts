import type { SqlTx } from '../../core/ports.ts';
import type { ToolSpec } from '../llm/types.ts';
import type { RegisteredTool } from './types.ts';

/**
 * The tools this process can run, keyed by name. `publish` upserts their descriptions into SQL so
 * every replica (and the tasks API) sees the same registry.
 */
export class ToolRegistry {
  readonly #tools = new Map<string, RegisteredTool>();

  /**
   * Adds tools; a second tool with the same name and a different source is a conflict.
   * @example registry.register(kbSearchTool(), notifyTool(notifier))
   */
  register(...tools: RegisteredTool[]): this {
    for (const tool of tools) {
      const existing = this.#tools.get(tool.name);
      if (existing && existing.source !== tool.source) {
        throw new TypeError(
          `ToolRegistry: tool "${tool.name}" from ${tool.source} conflicts with the one from ${existing.source}`,
        );
      }
      this.#tools.set(tool.name, tool);
    }
    return this;
  }

  /** @example registry.get('kb_search') */
  get(name: string): RegisteredTool | undefined {
    return this.#tools.get(name);
  }

  /** @example registry.names() // ['kb_search', 'notify'] */
  names(): string[] {
    return [...this.#tools.keys()].sort();
  }

  /**
   * The Chat Completions tool specs of the registered tools among `allowed`.
   * @example model.complete({ messages, tools: registry.specsFor(profile.allowedTools) })
   */
  specsFor(allowed: readonly string[]): ToolSpec[] {
    const specs: ToolSpec[] = [];
    for (const name of [...new Set(allowed)].sort()) {
      const tool = this.#tools.get(name);
      if (!tool) continue;
      specs.push({
        type: 'function',
        function: { name: tool.name, description: tool.description, parameters: tool.parameters },
      });
    }
    return specs;
  }

  /**
   * Upserts every registered tool into `agent_tools` (run on start by each replica).
   * @example await registry.publish(sql)
   */
  async publish(sql: SqlTx): Promise<number> {
    for (const tool of this.#tools.values()) {
      await sql.query(
        `INSERT INTO agent_tools (name, version, description, json_schema, source, side_effects, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, now())
         ON CONFLICT (name) DO UPDATE SET version = excluded.version, description = excluded.description,
           json_schema = excluded.json_schema, source = excluded.source, side_effects = excluded.side_effects,
           updated_at = now()`,
        [tool.name, tool.version, tool.description, JSON.stringify(tool.parameters), tool.source, tool.sideEffects],
      );
    }
    return this.#tools.size;
  }
}
