/**
 * Which commands the REST server refuses and which need a connection of their own. Commands that
 * change connection state would leak between HTTP requests sharing one Redis connection.
 */
import type { RedisArg } from './encoding.ts';

// Transactions have /multi-exec; subscriptions and MONITOR are streams that a JSON reply cannot carry.
const UNSUPPORTED = new Set([
  'multi',
  'exec',
  'discard',
  'watch',
  'unwatch',
  'select',
  'auth',
  'hello',
  'reset',
  'quit',
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'unsubscribe',
  'punsubscribe',
  'sunsubscribe',
  'monitor',
  'sync',
  'psync',
]);

// CLIENT REPLY / TRACKING / SETNAME would change the shared connection for everyone after this request.
const UNSUPPORTED_CLIENT_SUBCOMMANDS = new Set(['reply', 'tracking', 'caching', 'setname', 'no-evict', 'no-touch']);

const BLOCKING = new Set([
  'blpop',
  'brpop',
  'brpoplpush',
  'blmove',
  'blmpop',
  'bzpopmin',
  'bzpopmax',
  'bzmpop',
  'wait',
  'waitaof',
]);

/**
 * Returns why a command cannot run over REST, or null when it can.
 * @example unsupportedReason(['SUBSCRIBE', 'chat']) // "ERR command 'subscribe' is not supported ..."
 */
export function unsupportedReason(command: readonly RedisArg[]): string | null {
  const name = argText(command[0]);
  if (UNSUPPORTED.has(name)) {
    return `ERR command '${name}' is not supported over REST (use /multi-exec for transactions)`;
  }
  if (name === 'client' && UNSUPPORTED_CLIENT_SUBCOMMANDS.has(argText(command[1]))) {
    return `ERR command 'client ${argText(command[1])}' is not supported over REST`;
  }
  return null;
}

/**
 * True when the command may block its connection (BLPOP, XREAD ... BLOCK), so it needs its own.
 * @example isBlockingCommand(['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$']) // true
 */
export function isBlockingCommand(command: readonly RedisArg[]): boolean {
  const name = argText(command[0]);
  if (BLOCKING.has(name)) return true;
  if (name === 'xread' || name === 'xreadgroup') return command.some((arg) => argText(arg) === 'block');
  return false;
}

function argText(arg: RedisArg | undefined): string {
  if (arg === undefined) return '';
  return (typeof arg === 'string' ? arg : arg.toString('utf8')).toLowerCase();
}
