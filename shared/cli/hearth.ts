#!/usr/bin/env node
/**
 * The `hearth` command line: what users do by hand. Every command validates its configuration first
 * and exits non-zero with a message naming the bad variable or argument.
 */
import { ConfigError } from '../core/index.ts';
import { UsageError, type Command } from './command.ts';
import { devCommand } from './commands/dev.ts';
import { dlqCommand } from './commands/dlq.ts';
import { emitCommand } from './commands/emit.ts';
import { invokeCommand } from './commands/invoke.ts';
import { listCommand } from './commands/list.ts';
import { marketCommand } from './commands/market.ts';
import { migrateCommand } from './commands/migrate.ts';
import { seedCommand } from './commands/seed.ts';

const commands: Record<string, Command> = {
  dev: devCommand,
  migrate: migrateCommand,
  seed: seedCommand,
  emit: emitCommand,
  invoke: invokeCommand,
  dlq: dlqCommand,
  functions: listCommand,
  market: marketCommand,
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  hearth ${name.padEnd(10)} ${c.summary}`);
  return `usage:\n${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`hearth: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  return command.run(args, process.env);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`hearth: configuration error: ${error.message}\n`);
      process.exitCode = 78; // EX_CONFIG
    } else if (error instanceof UsageError) {
      process.stderr.write(`hearth: ${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`hearth: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
