/**
 * Which commands the REST server runs and which need a connection of their own. Only an explicit list
 * of the data commands the Upstash REST API offers runs: administrative and server-blocking commands
 * (FLUSHALL, CONFIG, DEBUG, SHUTDOWN, MODULE, REPLICAOF, CLIENT, SAVE, ...) are refused, and commands
 * that change connection state would leak between HTTP requests sharing one Redis connection.
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

const words = (text: string) => new Set(text.split(/\s+/).filter(Boolean));

/** The data commands of the Upstash REST API, by family. */
const ALLOWED = words(`
  append decr decrby get getdel getex getrange getset incr incrby incrbyfloat lcs mget mset msetnx psetex set
  setex setnx setrange strlen substr
  bitcount bitfield bitfield_ro bitop bitpos getbit setbit
  copy del exists expire expireat expiretime keys persist pexpire pexpireat pexpiretime pttl randomkey rename
  renamenx scan touch ttl type unlink
  hdel hexists hexpire hget hgetall hincrby hincrbyfloat hkeys hlen hmget hmset hpersist hpexpire hpttl
  hrandfield hscan hset hsetnx hstrlen httl hvals
  blmove blmpop blpop brpop brpoplpush lindex linsert llen lmove lmpop lpop lpos lpush lpushx lrange lrem lset
  ltrim rpop rpoplpush rpush rpushx
  sadd scard sdiff sdiffstore sinter sintercard sinterstore sismember smembers smismember smove spop
  srandmember srem sscan sunion sunionstore
  bzmpop bzpopmax bzpopmin zadd zcard zcount zdiff zdiffstore zincrby zinter zintercard zinterstore zlexcount
  zmpop zmscore zpopmax zpopmin zrandmember zrange zrangebylex zrangebyscore zrangestore zrank zrem
  zremrangebylex zremrangebyrank zremrangebyscore zrevrange zrevrangebylex zrevrangebyscore zrevrank zscan
  zscore zunion zunionstore
  pfadd pfcount pfmerge
  geoadd geodist geohash geopos georadius georadius_ro georadiusbymember georadiusbymember_ro geosearch
  geosearchstore
  xack xadd xautoclaim xclaim xdel xgroup xinfo xlen xpending xrange xread xreadgroup xrevrange xtrim
  eval evalsha eval_ro evalsha_ro script publish
  ping echo time dbsize
`);

/** SCRIPT FLUSH and SCRIPT KILL act on the whole server; loading and checking scripts is data work. */
const SCRIPT_SUBCOMMANDS = words('load exists');

/** Refused with a message that says why, rather than as unknown. */
const ADMINISTRATIVE = words(`
  flushall flushdb config debug shutdown module replicaof slaveof client save bgsave bgrewriteaof lastsave
  failover cluster acl latency memory slowlog info object swapdb migrate restore dump readonly readwrite
  wait waitaof function
`);

const BLOCKING = new Set(['blpop', 'brpop', 'brpoplpush', 'blmove', 'blmpop', 'bzpopmin', 'bzpopmax', 'bzmpop']);

/**
 * Returns why a command cannot run over REST, or null when it can.
 * @example unsupportedReason(['SUBSCRIBE', 'chat']) // "ERR command 'subscribe' is not supported ..."
 */
export function unsupportedReason(command: readonly RedisArg[]): string | null {
  const name = argText(command[0]);
  if (UNSUPPORTED.has(name)) {
    return `ERR command '${name}' is not supported over REST (use /multi-exec for transactions)`;
  }
  if (ADMINISTRATIVE.has(name) || (name === 'script' && !SCRIPT_SUBCOMMANDS.has(argText(command[1])))) {
    const full = name === 'script' ? `script ${argText(command[1])}` : name;
    return `ERR command '${full}' is refused: administrative and server-wide commands do not run over this REST server`;
  }
  if (!ALLOWED.has(name)) {
    return `ERR unknown command '${name}': this server runs only the data commands of the Upstash REST API`;
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
