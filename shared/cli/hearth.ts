#!/usr/bin/env node
/**
 * The `hearth` command line: what users do by hand. Every command validates its configuration first
 * and exits non-zero with a message naming the bad variable or argument.
 */
import { ConfigError } from '../core/index.ts';
import { UsageError } from './command.ts';
import { commands } from './registry.ts';

async function usage(): Promise<string> {
  const lines = await Promise.all(
    Object.entries(commands).map(async ([name, load]) => `  hearth ${name.padEnd(10)} ${(await load()).summary}`),
  );
  return `usage:\n${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(await usage());
    return name ? 0 : 2;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    process.stderr.write(`hearth: unknown command "${name}"\n${await usage()}`);
    return 2;
  }
  const command = await load();
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`hearth ${name}: ${command.summary}\n`);
    return 0;
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
