import type { Command } from './command.ts';

/** Each command's module is loaded only when it runs, so a host does not carry the others' imports. */
export const commands: Record<string, () => Promise<Command>> = {
  dev: async () => (await import('./commands/dev.ts')).devCommand,
  migrate: async () => (await import('./commands/migrate.ts')).migrateCommand,
  seed: async () => (await import('./commands/seed.ts')).seedCommand,
  emit: async () => (await import('./commands/emit.ts')).emitCommand,
  invoke: async () => (await import('./commands/invoke.ts')).invokeCommand,
  dlq: async () => (await import('./commands/dlq.ts')).dlqCommand,
  functions: async () => (await import('./commands/list.ts')).listCommand,
  market: async () => (await import('./commands/market.ts')).marketCommand,
  token: async () => (await import('./commands/token.ts')).tokenCommand,
  runs: async () => (await import('./commands/runs.ts')).runsCommand,
  new: async () => (await import('./commands/new.ts')).newCommand,
  completion: async () => (await import('./commands/completion.ts')).completionCommand,
};
