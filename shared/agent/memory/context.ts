import { estimateMessagesTokens, estimateTokens } from '../llm/tokens.ts';
import type { ChatMessage } from '../llm/types.ts';

/** Characters of each folded turn kept in the summary line. */
const FOLD_CHARS = 80;

/**
 * Groups a conversation into units that must stay together: an assistant message with tool calls
 * and the tool results answering it (the Chat Completions API rejects orphaned tool messages).
 */
function units(messages: readonly ChatMessage[]): ChatMessage[][] {
  const out: ChatMessage[][] = [];
  for (const message of messages) {
    const last = out.at(-1);
    if (message.role === 'tool' && last) last.push(message);
    else out.push([message]);
  }
  return out;
}

/**
 * Bounds a prompt to `maxTokens` (estimated, tools included): all system messages are kept, then the
 * most recent turns that fit; older turns are folded into one extractive summary message (each turn
 * shortened to its first words), itself trimmed to what is left. When even system messages and the
 * latest turn exceed the bound, the latest turn's content is truncated.
 * @example const prompt = boundContext(messages, 4096, tools)
 */
export function boundContext(
  messages: readonly ChatMessage[],
  maxTokens: number,
  tools: Parameters<typeof estimateMessagesTokens>[1] = [],
): ChatMessage[] {
  if (estimateMessagesTokens(messages, tools) <= maxTokens) return [...messages];
  const system = messages.filter((m) => m.role === 'system');
  const rest = units(messages.filter((m) => m.role !== 'system'));
  // Reserve a slice of the bound for the fold summary so it never crowds out the latest turns entirely.
  const summaryBudget = Math.max(32, Math.floor(maxTokens * 0.15));
  const base = estimateMessagesTokens(system, tools);
  const kept: ChatMessage[][] = [];
  let used = base + summaryBudget;
  for (let i = rest.length - 1; i >= 0; i--) {
    const unit = rest[i]!;
    const cost = estimateMessagesTokens(unit) - 3;
    if (used + cost > maxTokens) break;
    kept.unshift(unit);
    used += cost;
  }
  const folded = rest.slice(0, rest.length - kept.length).flat();
  const result: ChatMessage[] = [...system];
  if (folded.length > 0) {
    const room = maxTokens - estimateMessagesTokens([...system, ...kept.flat()], tools) - 8;
    const summary = foldSummary(folded, Math.min(summaryBudget, Math.max(0, room)));
    if (summary) result.push({ role: 'system', content: summary });
  }
  if (kept.length === 0) {
    // Nothing fits whole: keep the latest turn, truncated, so the model still sees the question.
    const latest = rest.at(-1)?.[0];
    if (latest && latest.role !== 'tool') {
      const room = Math.max(0, maxTokens - estimateMessagesTokens(result, tools) - 8);
      result.push({ ...latest, content: truncate(latest.content ?? '', room) });
    }
    return result;
  }
  result.push(...kept.flat());
  return result;
}

function foldSummary(folded: readonly ChatMessage[], maxTokens: number): string | null {
  if (maxTokens < 8) return null;
  const header = `Earlier in this conversation (${folded.length} messages, condensed):`;
  const lines: string[] = [];
  for (const m of folded) {
    if (m.role === 'tool') continue;
    const text = (
      m.content ?? (m.role === 'assistant' ? `[called ${m.tool_calls?.map((c) => c.function.name).join(', ')}]` : '')
    )
      .replace(/\s+/g, ' ')
      .trim();
    if (text) lines.push(`${m.role}: ${text.slice(0, FOLD_CHARS)}`);
  }
  // Keep the most recent folded lines: they matter more than the oldest ones.
  const out: string[] = [];
  let used = estimateTokens(header);
  for (let i = lines.length - 1; i >= 0; i--) {
    const cost = estimateTokens(lines[i]!) + 1;
    if (used + cost > maxTokens) break;
    out.unshift(lines[i]!);
    used += cost;
  }
  return [header, ...out].join('\n');
}

function truncate(text: string, maxTokens: number): string {
  // 4 characters per token is the estimator's own rule for narrow text; wide text is cut further below.
  let cut = text.slice(0, Math.max(0, maxTokens * 4));
  while (cut.length > 0 && estimateTokens(cut) > maxTokens) cut = cut.slice(0, Math.floor(cut.length * 0.8));
  return cut;
}
