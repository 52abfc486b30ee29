// The Lua scripts of the Redis store. Each runs atomically on the server, so
// what several replicas do at once is serialised there: a begin takes ids no
// other begin takes, a record's eviction never races another's. They are
// loaded with ioredis's defineCommand (EVALSHA, EVAL again after a NOSCRIPT,
// e.g. when a new server came up).
//
// Key layout (B = the key prefix followed by the hash tag "{t}:", so that every
// key of one deployment lands in one Redis Cluster slot and the scripts may
// name keys they compute):
//
//   B g                 hash   globals: seq (last journal id), gen (session generation),
//                              jgen (journal generation), clock (the global frozen instant, ticks),
//                              faultSeq, faultsVersion, journalVersion, evicted (total), bytes (held),
//                              tasksHeld, tasksFull
//   B journal           stream one entry per call, id "<journal id>-0", fields s (session) and b (the
//                              encodeEntry bytes)
//   B events            stream clears (k=cleared, s=session, at=the last journal id then), for subscribers
//   B faults            hash   fault id -> {"id","match","fault"} JSON;  B faults:left  id -> uses left
//   B faults:session    hash   fault id -> the session its matcher names; B faults:order list of ids, oldest first
//   B tokens            hash   token -> login;  B tokens:order  list of tokens, oldest first (the bound)
//   per session S, in session generation G (a reset of all bumps G, so old keys vanish at once):
//   B s:G:h:S           hash   taskIdNext, welloId2Next, guidDraws, tokenDraws, clock (own instant), touched
//   B s:G:t:S           hash   "<api>|<task id>" -> task JSON
//   B s:G:tx:S          hash   "<api>|<task id>" -> the task's index key (countIn)
//   B s:G:tc:S          hash   "<api>" -> tasks held, "<api>|<key>" -> tasks with that key,
//                              "<api>#r" -> rooms reserved by calls between begin and commit, "<api>#made"
//   B s:G:tl:S          list   "<api>|<task id>" in the order first added (values(); a delete LREMs)
//   per session S, in journal generation J (a clear of the whole journal bumps J):
//   B j:J:ids:S         list   the session's journal ids, oldest first
//   B j:J:h:S           hash   evicted (its calls evicted since the last clear)
//
// The session name is the last part of each per-session key, so no name can
// spell another session's key ("a:ids" is not a suffix of anything).
//
// Every per-session key carries an EXPIRE of the session TTL, refreshed by
// begin (at most once per hundredth of the TTL, so a busy session does not pay
// seven EXPIREs per call) and set when record or a task write creates a key.
//
// Inside a script each redis.call costs about a microsecond of Redis CPU, the
// same order as the script call itself, so the hot scripts (begin, commit) are
// written for few calls; Redis's single core is the deployment's ceiling.
//
// Redis must run with maxmemory-policy noeviction: a counter evicted by
// Redis itself would hand out an id twice.

/** What every script starts with (Lua has no modules in EVAL): small, since each call pays for the closures it makes. */
const CORE = `
local B = ARGV[1]
local G = KEYS[1]
-- (Redis reads "-0" as no integer: a negated count is written 0 - n.)
local function num(v) return tonumber(v) or 0 end
-- Whole numbers written as digits: Lua 5.1 prints 1e14 and above in exponent form.
local function int(v) return string.format('%d', v) end
local function gens()
  local g = redis.call('HMGET', G, 'gen', 'jgen')
  return g[1] or '0', g[2] or '0'
end
local function skey(gen, kind, s) return B .. 's:' .. gen .. ':' .. kind .. ':' .. s end
local function jkey(jgen, kind, s) return B .. 'j:' .. jgen .. ':' .. kind .. ':' .. s end
local function sessionKeys(gen, jgen, s)
  return { skey(gen, 'h', s), skey(gen, 't', s), skey(gen, 'tx', s), skey(gen, 'tc', s), skey(gen, 'tl', s),
           jkey(jgen, 'ids', s), jkey(jgen, 'h', s) }
end
`;

/**
 * Runs one call's script body for each call of a batch, in order, each as if alone. Each call's arguments
 * come packed in one ARGV (u32 little-endian length, then the bytes, per argument: src/store/redis/pack.ts),
 * since a command's cost in the client is mostly per argument; unpacked here into A, with A[1] the prefix.
 */
const BATCH = `
local function fields(s)
  local out, pos, n = { B }, 1, #s
  while pos <= n do
    local len = struct.unpack('<I4', s, pos)
    out[#out + 1] = string.sub(s, pos + 4, pos + 3 + len)
    pos = pos + 4 + len
  end
  return out
end
local function batch(one)
  local out = {}
  for k = 2, #ARGV do out[k - 1] = one(fields(ARGV[k])) end
  return out
end
`;

/** The queued faults, oldest first, as {json, left, json, left, ...}. */
const FAULT_LIST = `
local function faultList()
  local ids = redis.call('LRANGE', B .. 'faults:order', 0, -1)
  local out = {}
  if #ids == 0 then return out end
  local json = redis.call('HMGET', B .. 'faults', unpack(ids))
  local left = redis.call('HMGET', B .. 'faults:left', unpack(ids))
  for i = 1, #ids do
    out[#out + 1] = json[i] or ''
    out[#out + 1] = left[i] or '0'
  end
  return out
end
`;

const REMOVE_FAULT = `
local function removeFault(id)
  redis.call('HDEL', B .. 'faults', id)
  redis.call('HDEL', B .. 'faults:left', id)
  redis.call('HDEL', B .. 'faults:session', id)
  redis.call('LREM', B .. 'faults:order', 1, id)
end
`;

/** Tells subscribers of a clear (with the last journal id then, so that they order it among the calls), and bumps the journal version. */
const CLEARED_EVENT = `
local function clearedEvent(s)
  local seq = redis.call('HGET', G, 'seq') or '0'
  if s then
    redis.call('XADD', B .. 'events', 'MAXLEN', '~', 1000, '*', 'k', 'cleared', 'at', seq, 's', s)
  else
    redis.call('XADD', B .. 'events', 'MAXLEN', '~', 1000, '*', 'k', 'cleared', 'at', seq)
  end
  redis.call('HINCRBY', G, 'journalVersion', 1)
end
`;

/** Drops one session's journal entries (not counted as evicted) and takes its tallies out of the totals. */
const CLEAR_SESSION_JOURNAL = `
local function clearSessionJournal(jgen, s)
  local ids = jkey(jgen, 'ids', s)
  local h = jkey(jgen, 'h', s)
  local J = B .. 'journal'
  local freed = 0
  for _, id in ipairs(redis.call('LRANGE', ids, 0, -1)) do
    local e = redis.call('XRANGE', J, id .. '-0', id .. '-0')[1]
    if e then
      freed = freed + #e[2][4]
      redis.call('XDEL', J, id .. '-0')
    end
  end
  redis.call('HINCRBY', G, 'evicted', 0 - num(redis.call('HGET', h, 'evicted')))
  redis.call('HINCRBY', G, 'bytes', 0 - freed)
  redis.call('DEL', ids, h)
end
`;

/**
 * Tasks: adding one past the limit is refused atomically. A table's room
 * counts the tasks held and the rooms begin reserved for calls still running
 * (tc "<api>#r"), so that a call told "room" by begin always finds it at commit,
 * however many replicas create in the same session meanwhile.
 */
const TASK_FNS = `
local function occupied(tc, api)
  local n = redis.call('HMGET', tc, api, api .. '#r')
  return num(n[1]) + num(n[2])
end
-- A session's task keys: t (JSON), tx (index key), tc (counts), tl (order).
local function taskKeys(gen, s)
  return skey(gen, 't', s), skey(gen, 'tx', s), skey(gen, 'tc', s), skey(gen, 'tl', s)
end
-- Gives back a room begin reserved (a call that put no new task in it); nothing when a reset dropped it already.
local function release(gen, s, api)
  local tc = skey(gen, 'tc', s)
  if num(redis.call('HGET', tc, api .. '#r')) > 0 then redis.call('HINCRBY', tc, api .. '#r', -1) end
end
-- Takes the room begin reserved (a reset may have dropped it: then there is none to take).
local function takeRoom(tc, api)
  if redis.call('HINCRBY', tc, api .. '#r', -1) < 0 then redis.call('HSET', tc, api .. '#r', 0) end
end
-- Adds or replaces a task; false (nothing changed) past the limit. fresh: no task can have this id (begin handed
-- it out), so it is not looked for; reserved: begin reserved its room, which it takes instead of checking the limit.
local function putTask(t, tx, tc, tl, api, id, json, key, limit, ttl, fresh, reserved)
  local f = api .. '|' .. id
  local first = false
  if not fresh and redis.call('HEXISTS', t, f) == 1 then
    local old = redis.call('HGET', tx, f)
    if old then
      if redis.call('HINCRBY', tc, api .. '|' .. old, -1) <= 0 then redis.call('HDEL', tc, api .. '|' .. old) end
    end
    if reserved then takeRoom(tc, api) end
  else
    if reserved then
      takeRoom(tc, api)
    elseif occupied(tc, api) >= limit then
      return false
    end
    local held = redis.call('HINCRBY', tc, api, 1)
    first = held == 1
    redis.call('HINCRBY', G, 'tasksHeld', 1)
    if held == limit then redis.call('HINCRBY', G, 'tasksFull', 1) end
    redis.call('RPUSH', tl, f)
  end
  redis.call('HSET', t, f, json)
  if key ~= '' then
    redis.call('HSET', tx, f, key)
    redis.call('HINCRBY', tc, api .. '|' .. key, 1)
  elseif not fresh then
    redis.call('HDEL', tx, f)
  end
  -- A table's first task: its keys may be new since the session's last refresh of its EXPIREs (begin).
  if first and ttl > 0 then for _, k in ipairs({ t, tx, tc, tl }) do redis.call('EXPIRE', k, ttl) end end
  return true
end
-- Removes a task; answers its JSON, or false.
local function deleteTask(gen, s, api, id, limit)
  local t, tx, tc, tl = taskKeys(gen, s)
  local f = api .. '|' .. id
  local json = redis.call('HGET', t, f)
  if not json then return false end
  local old = redis.call('HGET', tx, f)
  if old then
    if redis.call('HINCRBY', tc, api .. '|' .. old, -1) <= 0 then redis.call('HDEL', tc, api .. '|' .. old) end
  end
  if redis.call('HINCRBY', tc, api, -1) + 1 == limit then redis.call('HINCRBY', G, 'tasksFull', -1) end
  redis.call('HINCRBY', G, 'tasksHeld', -1)
  redis.call('HDEL', t, f)
  redis.call('HDEL', tx, f)
  redis.call('LREM', tl, 1, f)
  return json
end
-- One read for begin: get id, count key, size, values, or a token's login.
local function readOne(gen, s, what, api, arg)
  if what == 'k' then return redis.call('HGET', B .. 'tokens', arg) or false end
  if what == 'g' then return redis.call('HGET', skey(gen, 't', s), api .. '|' .. arg) or false end
  if what == 'c' then return num(redis.call('HGET', skey(gen, 'tc', s), api .. '|' .. arg)) end
  if what == 'z' then return num(redis.call('HGET', skey(gen, 'tc', s), api)) end
  local prefix = api .. '|'
  local fields = {}
  for _, f in ipairs(redis.call('LRANGE', skey(gen, 'tl', s), 0, -1)) do
    if string.sub(f, 1, #prefix) == prefix then fields[#fields + 1] = f end
  end
  if #fields == 0 then return {} end
  return redis.call('HMGET', skey(gen, 't', s), unpack(fields))
end
`;

/**
 * begin: everything a validated call takes, in one round trip, in a few
 * commands when nothing is stale (HMGET of the globals, HMGET of the session,
 * one HSET of the counters it advanced, and the reads it asked for).
 * Arguments (A, unpacked by BATCH): prefix, session, ttl, faultsVersionSeen, candidateFaultId ('' none),
 * nTaskId, nId2, nGuid, nToken, taskIdBase, id2Base, roomApi ('' none),
 * taskLimit, now (unix seconds, for the TTL refresh), nReads, then per read:
 * what ('g' get | 'c' count | 'z' size | 'v' values | 'k' token), api, arg.
 * Answers {'stale', version, json, left, ...} (nothing taken: the caller
 * re-matches against the list and calls again), {'full'} (the session's table
 * of roomApi has no room, nothing taken), or {'ok', {task ids}, firstId2,
 * firstGuidDraw, firstTokenDraw, clock ('' = real time), faultsVersion, claimed
 * (0/1), exhausted (0/1), {reads}}.
 *
 * ONLYOFFICE task ids skip the ids the session's table holds (a PUT of an
 * unknown id creates that task), as drawTaskId's loop does in memory, so that
 * the call knows its ids are free without reading them. roomApi reserves one
 * room in that table (TASK_FNS), given back by the call's commit.
 */
const BEGIN_FN = `
local function beginOne(A)
  local s, ttl = A[2], num(A[3])
  local seen, candidate = A[4], A[5]
  local g = redis.call('HMGET', G, 'gen', 'jgen', 'faultsVersion', 'clock')
  local gen, jgen, version = g[1] or '0', g[2] or '0', g[3] or '0'
  if version ~= seen or (candidate ~= '' and redis.call('HEXISTS', B .. 'faults:left', candidate) == 0) then
    local out = { 'stale', version }
    for _, v in ipairs(faultList()) do out[#out + 1] = v end
    return out
  end
  local roomApi = A[12]
  if roomApi ~= '' then
    local tc = skey(gen, 'tc', s)
    if occupied(tc, roomApi) >= num(A[13]) then return { 'full' } end
    redis.call('HINCRBY', tc, roomApi .. '#r', 1)
  end
  local claimed, exhausted = 0, 0
  if candidate ~= '' then
    claimed = 1
    if redis.call('HINCRBY', B .. 'faults:left', candidate, -1) <= 0 then
      removeFault(candidate)
      exhausted = 1
      version = tostring(redis.call('HINCRBY', G, 'faultsVersion', 1))
    end
  end
  local h = skey(gen, 'h', s)
  local f = redis.call('HMGET', h, 'taskIdNext', 'welloId2Next', 'guidDraws', 'tokenDraws', 'touched', 'clock')
  -- Read, then one HSET of what changed: the script is atomic, so this is HINCRBY's effect in one command.
  -- A counter not set yet starts at its base.
  local set = {}
  local function take(i, field, n, base)
    if n <= 0 then return 0 end
    local first = tonumber(f[i]) or base
    set[#set + 1] = field
    set[#set + 1] = int(first + n)
    return first
  end
  local taskIds = {}
  local nTask = num(A[6])
  if nTask > 0 then
    local t = skey(gen, 't', s)
    local id = tonumber(f[1]) or num(A[10])
    while #taskIds < nTask do
      if redis.call('HEXISTS', t, 'onlyoffice|' .. int(id)) == 0 then taskIds[#taskIds + 1] = id end
      id = id + 1
    end
    set[#set + 1] = 'taskIdNext'
    set[#set + 1] = int(id)
  end
  local id2 = take(2, 'welloId2Next', num(A[7]), num(A[11]))
  local guid = take(3, 'guidDraws', num(A[8]), 0)
  local token = take(4, 'tokenDraws', num(A[9]), 0)
  -- The session's EXPIREs are refreshed when the last refresh is older than a hundredth of the TTL.
  local now = num(A[14])
  local refresh = ttl > 0 and now - num(f[5]) >= math.max(1, math.floor(ttl / 100))
  if refresh then
    set[#set + 1] = 'touched'
    set[#set + 1] = now
  end
  if #set > 0 then redis.call('HSET', h, unpack(set)) end
  if refresh then
    for _, k in ipairs(sessionKeys(gen, jgen, s)) do redis.call('EXPIRE', k, ttl) end
  end
  local reads = {}
  local r = 16
  for k = 1, num(A[15]) do
    reads[k] = readOne(gen, s, A[r], A[r + 1], A[r + 2])
    r = r + 3
  end
  return { 'ok', taskIds, id2, guid, token, f[6] or g[4] or '', version, claimed, exhausted, reads }
end
`;


/** begin for the calls of one batch (TickBatch): ARGV prefix, then each call's arguments packed; answers each one's answer. */
export const BEGIN = `${CORE}${FAULT_LIST}${REMOVE_FAULT}${TASK_FNS}${BEGIN_FN}${BATCH}
return batch(beginOne)
`;

/**
 * record: appends one journal entry and evicts the oldest past the limits.
 * ARGV: prefix, session, bytes, limit, maxBytes (0 none), ttl. Answers the id.
 *
 * The stream holds live entries only (a clear XDELs its session's), so its
 * first entry is always the next to evict: XRANGE - + COUNT 1 finds it, with
 * its session and size, without a separate order list. Eviction is exact on
 * every record rather than in batches: each evicted entry costs the same few
 * commands either way, and the journal then never holds more than `limit`
 * entries or `maxBytes`, so readers need no surplus arithmetic. An entry whose
 * session's list is gone (the session expired) is evicted without a session
 * tally.
 */
/** Appends one journal entry and evicts the oldest past the limits (RECORD, COMMIT); answers its id. */
const RECORD_FN = `
-- g: HMGET of G's jgen, seq, bytes, evicted (read once by the script that calls this).
local function recordEntry(s, bytes, limit, maxBytes, ttl, g)
  local jgen = g[1] or '0'
  local id = int(num(g[2]) + 1)
  local J = B .. 'journal'
  redis.call('XADD', J, id .. '-0', 's', s, 'b', bytes)
  local ids = jkey(jgen, 'ids', s)
  if redis.call('RPUSH', ids, id) == 1 and ttl > 0 then redis.call('EXPIRE', ids, ttl) end
  local total = num(g[3]) + #bytes
  local held = redis.call('XLEN', J)
  local evicted = 0
  while held > limit or (maxBytes > 0 and total > maxBytes and held > 1) do
    local e = redis.call('XRANGE', J, '-', '+', 'COUNT', 1)[1]
    if not e then break end
    local oid, os = string.sub(e[1], 1, -3), e[2][2]
    redis.call('XDEL', J, e[1])
    held, evicted, total = held - 1, evicted + 1, total - #e[2][4]
    local oids = jkey(jgen, 'ids', os)
    local head = redis.call('LPOP', oids)
    if head == oid then
      local oh = jkey(jgen, 'h', os)
      if redis.call('HINCRBY', oh, 'evicted', 1) == 1 and ttl > 0 then redis.call('EXPIRE', oh, ttl) end
    elseif head then
      redis.call('LPUSH', oids, head)
    end
  end
  -- Read once, written once: the globals change in one HSET (the script is atomic).
  redis.call('HSET', G, 'seq', id, 'bytes', int(total), 'evicted', int(num(g[4]) + evicted))
  return tonumber(id)
end
`;

export const RECORD = `${CORE}${RECORD_FN}
return recordEntry(ARGV[2], ARGV[3], num(ARGV[4]), num(ARGV[5]), num(ARGV[6]), redis.call('HMGET', G, 'jgen', 'seq', 'bytes', 'evicted'))
`;

/**
 * sessionCalls (read-only): one session's entries after afterId, in one
 * consistent snapshot. ARGV: prefix, session, afterId, limit (0 all), newest
 * (1: the newest `limit`). Answers {evicted, id, bytes, id, bytes, ...}.
 */
export const SESSION_CALLS = `${CORE}
local s, after, limit, newest = ARGV[2], num(ARGV[3]), num(ARGV[4]), ARGV[5] == '1'
local _, jgen = gens()
local ids = redis.call('LRANGE', jkey(jgen, 'ids', s), 0, -1)
local picked = {}
for _, id in ipairs(ids) do if tonumber(id) > after then picked[#picked + 1] = id end end
local from, to = 1, #picked
if limit > 0 and #picked > limit then
  if newest then from = #picked - limit + 1 else to = limit end
end
local out = { redis.call('HGET', jkey(jgen, 'h', s), 'evicted') or '0' }
for i = from, to do
  local e = redis.call('XRANGE', B .. 'journal', picked[i] .. '-0', picked[i] .. '-0')[1]
  if e then
    out[#out + 1] = picked[i]
    out[#out + 1] = e[2][4]
  end
end
return out
`;

/** sessionFields (read-only): HMGET of a session's hash and its journal tally. ARGV: prefix, session. Answers {taskIdNext, welloId2Next, clock, evicted, globalClock}. */
export const SESSION_FIELDS = `${CORE}
local s = ARGV[2]
local gen, jgen = gens()
local f = redis.call('HMGET', skey(gen, 'h', s), 'taskIdNext', 'welloId2Next', 'clock')
return { f[1] or '', f[2] or '', f[3] or '', redis.call('HGET', jkey(jgen, 'h', s), 'evicted') or '0', redis.call('HGET', G, 'clock') or '' }
`;

/**
 * setState: a session's counters and own clock. ARGV: prefix, session, ttl,
 * taskIdNext ('' keep), welloId2Next ('' keep), clock ('' keep, '-' drop, else
 * ticks), now (unix seconds). The default session's clock is the global one
 * (src/core/sessions.ts). Refreshes the session's EXPIREs.
 */
export const SET_STATE = `${CORE}
local s, ttl = ARGV[2], num(ARGV[3])
local gen, jgen = gens()
local h = skey(gen, 'h', s)
if ARGV[4] ~= '' then redis.call('HSET', h, 'taskIdNext', ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HSET', h, 'welloId2Next', ARGV[5]) end
local clockKey, clockField = h, 'clock'
if s == 'default' then clockKey = G end
if ARGV[6] == '-' then redis.call('HDEL', clockKey, clockField)
elseif ARGV[6] ~= '' then redis.call('HSET', clockKey, clockField, ARGV[6]) end
redis.call('HSET', h, 'touched', ARGV[7])
if ttl > 0 then for _, k in ipairs(sessionKeys(gen, jgen, s)) do redis.call('EXPIRE', k, ttl) end end
return 1
`;

/** clearJournal: ARGV prefix, session ('' all). A clear of one session keeps the others' entries; of all, bumps the journal generation. */
export const CLEAR_JOURNAL = `${CORE}${CLEARED_EVENT}${CLEAR_SESSION_JOURNAL}
local s = ARGV[2]
local _, jgen = gens()
if s == '' then
  redis.call('UNLINK', B .. 'journal')
  redis.call('HINCRBY', G, 'jgen', 1)
  redis.call('HSET', G, 'evicted', 0, 'bytes', 0)
  clearedEvent(nil)
else
  clearSessionJournal(jgen, s)
  clearedEvent(s)
end
return 1
`;

/**
 * reset: forgets one session (journal entries, counters, draws, own clock,
 * tasks, the faults its matcher names) or everything but the global clock, the
 * journal id sequence (ids keep growing, as the memory journal's do) and the
 * issued tokens (the memory store keeps them too). ARGV: prefix, session ('' all).
 */
export const RESET = `${CORE}${REMOVE_FAULT}${CLEARED_EVENT}${CLEAR_SESSION_JOURNAL}
local s = ARGV[2]
local gen, jgen = gens()
if s == '' then
  redis.call('UNLINK', B .. 'journal', B .. 'faults', B .. 'faults:left', B .. 'faults:session', B .. 'faults:order')
  redis.call('HINCRBY', G, 'gen', 1)
  redis.call('HINCRBY', G, 'jgen', 1)
  redis.call('HSET', G, 'evicted', 0, 'bytes', 0, 'tasksHeld', 0, 'tasksFull', 0)
  redis.call('HINCRBY', G, 'faultsVersion', 1)
  clearedEvent(nil)
  return 1
end
clearSessionJournal(jgen, s)
local removed = 0
for _, id in ipairs(redis.call('LRANGE', B .. 'faults:order', 0, -1)) do
  if redis.call('HGET', B .. 'faults:session', id) == s then
    removeFault(id)
    removed = 1
  end
end
if removed == 1 then redis.call('HINCRBY', G, 'faultsVersion', 1) end
local tc = skey(gen, 'tc', s)
local counts = redis.call('HGETALL', tc)
local limit = num(ARGV[3])
for i = 1, #counts, 2 do
  local f = counts[i]
  if not string.find(f, '[|#]') then
    local n = num(counts[i + 1])
    redis.call('HINCRBY', G, 'tasksHeld', 0 - n)
    if limit > 0 and n >= limit then redis.call('HINCRBY', G, 'tasksFull', -1) end
  end
end
local keys = sessionKeys(gen, jgen, s)
redis.call('DEL', unpack(keys))
clearedEvent(s)
return 1
`;

/** addFault: ARGV prefix, match JSON, fault JSON, times, session ('' none). Answers {id, version}. */
export const ADD_FAULT = `${CORE}
local id = redis.call('HINCRBY', G, 'faultSeq', 1)
redis.call('HSET', B .. 'faults', id, '{"id":' .. id .. ',"match":' .. ARGV[2] .. ',"fault":' .. ARGV[3] .. '}')
redis.call('HSET', B .. 'faults:left', id, ARGV[4])
if ARGV[5] ~= '' then redis.call('HSET', B .. 'faults:session', id, ARGV[5]) end
redis.call('RPUSH', B .. 'faults:order', id)
return { id, redis.call('HINCRBY', G, 'faultsVersion', 1) }
`;

/** listFaults (read-only): {version, json, left, ...}, oldest first. ARGV: prefix. */
export const LIST_FAULTS = `${CORE}${FAULT_LIST}
local out = { redis.call('HGET', G, 'faultsVersion') or '0' }
for _, v in ipairs(faultList()) do out[#out + 1] = v end
return out
`;

/** clearFaults: ARGV prefix, session ('' all). Answers the version. */
export const CLEAR_FAULTS = `${CORE}${REMOVE_FAULT}
local s = ARGV[2]
if s == '' then
  redis.call('DEL', B .. 'faults', B .. 'faults:left', B .. 'faults:session', B .. 'faults:order')
else
  for _, id in ipairs(redis.call('LRANGE', B .. 'faults:order', 0, -1)) do
    if redis.call('HGET', B .. 'faults:session', id) == s then removeFault(id) end
  end
end
return redis.call('HINCRBY', G, 'faultsVersion', 1)
`;

/** Remembers a token; the oldest is forgotten past max, as the memory store's Map does (REMEMBER_TOKEN, COMMIT). */
const REMEMBER_FN = `
local function rememberToken(token, login, max)
  local T, O = B .. 'tokens', B .. 'tokens:order'
  if redis.call('HSET', T, token, login) == 1 then
    redis.call('RPUSH', O, token)
    while redis.call('LLEN', O) > max do redis.call('HDEL', T, redis.call('LPOP', O)) end
  end
end
`;

/** rememberToken: ARGV prefix, token, login, max. */
export const REMEMBER_TOKEN = `${CORE}${REMEMBER_FN}
rememberToken(ARGV[2], ARGV[3], num(ARGV[4]))
return 1
`;

/**
 * putTask: adds or replaces a task, refusing one past the limit atomically.
 * ARGV: prefix, session, api, task id, JSON, index key ('' none), limit, ttl.
 * Answers 1, or {'full'} (nothing changed).
 */
export const PUT_TASK = `${CORE}${TASK_FNS}
local gen = gens()
local t, tx, tc, tl = taskKeys(gen, ARGV[2])
if putTask(t, tx, tc, tl, ARGV[3], ARGV[4], ARGV[5], ARGV[6], num(ARGV[7]), num(ARGV[8]), false, false) then return 1 end
return { 'full' }
`;

/** deleteTask: ARGV prefix, session, api, task id, limit. Answers the JSON removed, or false. */
export const DELETE_TASK = `${CORE}${TASK_FNS}
local gen = gens()
return deleteTask(gen, ARGV[2], ARGV[3], ARGV[4], num(ARGV[5]))
`;

/**
 * commit: what one call leaves, in one round trip after it answered: the room
 * begin reserved given back, its task writes, the tokens it issued, and its
 * journal entry. Arguments (A, unpacked by BATCH): prefix, session, bytes, journal limit, maxBytes (0
 * none), ttl, task limit, max tokens, reserved api ('' none), nWrites, then per
 * write: op ('p' put | 'n' put of an id begin handed out, not looked for | 'd'
 * delete), api, id, JSON ('' for a delete), index key
 * ('' none); then nTokens, then token, login pairs. Answers {'ok', journal id},
 * or {'full', api} when a put found no room (a call that began without asking
 * for one): its writes up to there are kept, nothing else is written, and
 * the caller answers again knowing the table full.
 */
const COMMIT_FN = `
local function commitOne(A)
  local s, ttl, limit = A[2], num(A[6]), num(A[7])
  local g = redis.call('HMGET', G, 'gen', 'jgen', 'seq', 'bytes', 'evicted')
  local gen = g[1] or '0'
  local t, tx, tc, tl = taskKeys(gen, s)
  local reserved = A[9]
  local i = 11
  for _ = 1, num(A[10]) do
    local op, api, id = A[i], A[i + 1], A[i + 2]
    if op == 'd' then
      deleteTask(gen, s, api, id, limit)
    else
      -- The first put into the api begin reserved a room in takes that room.
      local room = reserved ~= '' and reserved == api
      if room then reserved = '' end
      if not putTask(t, tx, tc, tl, api, id, A[i + 3], A[i + 4], limit, ttl, op == 'n', room) then
        if reserved ~= '' then release(gen, s, reserved) end
        return { 'full', api }
      end
    end
    i = i + 5
  end
  if reserved ~= '' then release(gen, s, reserved) end
  local n = num(A[i])
  for k = 1, n do rememberToken(A[i + 2 * k - 1], A[i + 2 * k], num(A[8])) end
  return { 'ok', recordEntry(s, A[3], num(A[4]), num(A[5]), ttl, { g[2], g[3], g[4], g[5] }) }
end
`;


/** commit for the calls of one batch (TickBatch): ARGV prefix, then each call's arguments packed; answers each one's answer. */
export const COMMIT = `${CORE}${RECORD_FN}${TASK_FNS}${REMEMBER_FN}${COMMIT_FN}${BATCH}
return batch(commitOne)
`;

/** reads (read-only): ARGV prefix, session, nReads, then what, api, arg per read (as begin's). Answers {reads}. */
export const READS = `${CORE}${TASK_FNS}
local gen = gens()
local out, r = {}, 4
for k = 1, num(ARGV[3]) do
  out[k] = readOne(gen, ARGV[2], ARGV[r], ARGV[r + 1], ARGV[r + 2])
  r = r + 3
end
return out
`;

/** release: gives back the room begin reserved for a call that ends without a commit. ARGV: prefix, session, api. */
export const RELEASE = `${CORE}${TASK_FNS}
local gen = gens()
release(gen, ARGV[2], ARGV[3])
return 1
`;

/** taskRead (read-only): ARGV prefix, session, api, what ('get' id | 'values' | 'count' key | 'size'). */
export const READ_TASKS = `${CORE}${TASK_FNS}
local gen = gens()
local what = ({ get = 'g', count = 'c', size = 'z', values = 'v' })[ARGV[4]]
return readOne(gen, ARGV[2], what, ARGV[3], ARGV[5])
`;

/**
 * seedTasks: puts the tasks a session's table of one API starts with (TaskKind.initial), once per session and API
 * however many replicas ask, in one step: a call that comes after finds all of them. ARGV: prefix, session, api,
 * ttl, limit, counter field ('' none) and its floor (the field is raised to it: ONLYOFFICE's next id is past the
 * highest fixture id), then per task: id, JSON, index key ('' none). Answers 1 the first time, 0 after.
 */
export const SEED_TASKS = `${CORE}${TASK_FNS}
local s, api, ttl, limit = ARGV[2], ARGV[3], num(ARGV[4]), num(ARGV[5])
local gen = gens()
local t, tx, tc, tl = taskKeys(gen, s)
local made = redis.call('HSETNX', tc, api .. '#made', 1)
if ttl > 0 then redis.call('EXPIRE', tc, ttl) end
if made == 0 then return 0 end
for i = 8, #ARGV, 3 do putTask(t, tx, tc, tl, api, ARGV[i], ARGV[i + 1], ARGV[i + 2], limit, ttl, false, false) end
if ARGV[6] ~= '' then
  local h = skey(gen, 'h', s)
  if num(redis.call('HGET', h, ARGV[6])) < num(ARGV[7]) then
    redis.call('HSET', h, ARGV[6], ARGV[7])
    if ttl > 0 then redis.call('EXPIRE', h, ttl) end
  end
end
return 1
`;

/**
 * The scripts as ioredis defineCommand takes them. Each declares one key, the
 * globals hash (KEYS[1], so that a Redis Cluster routes it to the {t} slot);
 * the others are computed from the prefix (ARGV[1]) and lie in the same slot.
 */
export const SCRIPTS = {
  tsBegin: BEGIN,
  tsRecord: RECORD,
  tsSessionCalls: SESSION_CALLS,
  tsSessionFields: SESSION_FIELDS,
  tsSetState: SET_STATE,
  tsClearJournal: CLEAR_JOURNAL,
  tsReset: RESET,
  tsAddFault: ADD_FAULT,
  tsListFaults: LIST_FAULTS,
  tsClearFaults: CLEAR_FAULTS,
  tsRememberToken: REMEMBER_TOKEN,
  tsPutTask: PUT_TASK,
  tsDeleteTask: DELETE_TASK,
  tsReadTasks: READ_TASKS,
  tsSeedTasks: SEED_TASKS,
  tsCommit: COMMIT,
  tsRelease: RELEASE,
  tsReads: READS,
} as const;

export type ScriptName = keyof typeof SCRIPTS;
