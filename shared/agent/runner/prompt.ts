import type { ChatMessage } from '../llm/types.ts';
import type { SessionMemory } from '../memory/session-memory.ts';
import { findSessionSummaries } from '../memory/summaries.ts';
import type { SqlTx } from '../../core/ports.ts';
import type { AgentProfile } from '../types/agent.ts';
import type { AgentTask } from '../types/task.ts';

/**
 * The opening messages of a fresh run: the agent's system prompt, the session summaries most relevant
 * to this prompt, the session's recent turns, then the task prompt.
 * @example const messages = await openingMessages(task, profile, { memory, sql })
 */
export async function openingMessages(
  task: AgentTask,
  profile: AgentProfile,
  deps: { memory: SessionMemory | undefined; sql: SqlTx },
): Promise<ChatMessage[]> {
  const messages: ChatMessage[] = [{ role: 'system', content: profile.systemPrompt }];
  if (deps.memory) {
    const summaries = await findSessionSummaries(deps.sql, task.sessionId, task.prompt, 3);
    if (summaries.length > 0) {
      messages.push({
        role: 'system',
        content: `Relevant earlier parts of this session:\n${summaries.join('\n---\n')}`,
      });
    }
    for (const turn of await deps.memory.recent(task.sessionId)) messages.push(turn);
  }
  messages.push({ role: 'user', content: task.prompt });
  return messages;
}
