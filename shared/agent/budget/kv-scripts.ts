/**
 * The Lua scripts behind budget reservations. Each budget scope has two KV keys: `<key>` holds what
 * calls have spent (settled, an integer) and `<key>:r` is a hash of reservations `id -> "amount:expiresAtMs"`.
 * Every check and every change of a scope happens inside one script, so concurrent callers see each other.
 */

/**
 * KEYS: used1, res1, used2, res2, ...  ARGV: nowMs, id, expiresAtMs, hashTtlMs, n, cap1, amount1, cap2, amount2, ...
 * Returns {'ok'}, {'missing', i} when scope i's counter must be rebuilt first, or
 * {'refused', i, used, reserved} when amount i does not fit under cap i. Expired reservations are dropped
 * on the way; the caller's own id (a resumed call) replaces its earlier reservation instead of adding to it,
 * and a refused id is held nowhere.
 */
export const RESERVE = `
local now = tonumber(ARGV[1])
local id = ARGV[2]
local n = tonumber(ARGV[5])
for i = 1, n do
  local used = redis.call('GET', KEYS[2 * i - 1])
  if not used then return {'missing', i} end
  local reserved = 0
  local all = redis.call('HGETALL', KEYS[2 * i])
  for j = 1, #all, 2 do
    local amount, expires = string.match(all[j + 1], '^(%d+):(%d+)$')
    if expires == nil or tonumber(expires) <= now then
      redis.call('HDEL', KEYS[2 * i], all[j])
    elseif all[j] ~= id then
      reserved = reserved + tonumber(amount)
    end
  end
  if tonumber(used) + reserved + tonumber(ARGV[5 + 2 * i]) > tonumber(ARGV[4 + 2 * i]) then
    -- Refused: no scope keeps this id, not even one a rebuild copied from SQL a moment ago.
    for k = 1, n do redis.call('HDEL', KEYS[2 * k], id) end
    return {'refused', i, tonumber(used), reserved}
  end
end
for i = 1, n do
  redis.call('HSET', KEYS[2 * i], id, ARGV[5 + 2 * i] .. ':' .. ARGV[3])
  redis.call('PEXPIRE', KEYS[2 * i], ARGV[4])
end
return {'ok'}
`;

/**
 * KEYS: used1, res1, ...  ARGV: id, n, inserted, actual1, actual2, ...
 * Turns a reservation into spending. It counts when the reservation is still there, or when this settle
 * wrote the ledger row (its reservation expired first); a replayed settle (a resumed run) finds neither
 * and counts nothing twice. A missing counter is left alone: its rebuild reads the ledger.
 */
export const SETTLE = `
local id = ARGV[1]
local n = tonumber(ARGV[2])
for i = 1, n do
  local held = redis.call('HDEL', KEYS[2 * i], id) == 1
  if (held or ARGV[3] == '1') and redis.call('EXISTS', KEYS[2 * i - 1]) == 1 then
    redis.call('INCRBY', KEYS[2 * i - 1], ARGV[3 + i])
  end
end
return n
`;

/** KEYS: res1, res2, ...  ARGV: id. Drops a reservation whose call will not happen or did not count. */
export const RELEASE = `
for i = 1, #KEYS do redis.call('HDEL', KEYS[i], ARGV[1]) end
return #KEYS
`;

/**
 * KEYS: used, res  ARGV: used, counterTtlMs, hashTtlMs, id1, "amount:expires", id2, ...
 * Re-creates a scope from SQL (the ledger's total and the reservations still in flight), unless another
 * caller already did: returns 1 when this call created it.
 */
export const REBUILD = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('DEL', KEYS[2])
for j = 4, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[j], ARGV[j + 1]) end
if #ARGV >= 4 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
return 1
`;

/**
 * KEYS: used, res  ARGV: nowMs. Returns {used or -1 when missing, reserved} without changing anything.
 */
export const READ = `
local used = redis.call('GET', KEYS[1])
local reserved = 0
local all = redis.call('HGETALL', KEYS[2])
for j = 1, #all, 2 do
  local amount, expires = string.match(all[j + 1], '^(%d+):(%d+)$')
  if expires ~= nil and tonumber(expires) > tonumber(ARGV[1]) then reserved = reserved + tonumber(amount) end
end
if not used then return {-1, reserved} end
return {tonumber(used), reserved}
`;
