"""The handoff queue in Redis: tickets waiting for a counsellor, ordered by risk, then by waiting time.

Layout (prefix `handoff` by default; tests use their own prefix):
  {p}:queue                 sorted set of waiting ticket ids; lowest score first (see `priority_score`)
  {p}:open                  hash conversation id -> ticket id, while the ticket is waiting or claimed
  {p}:ticket:{id}           hash, the ticket (fields in bot.handoff.tickets)
  {p}:ticket:{id}:messages  list of JSON, what the child wrote after the handoff (the console's live view)
  {p}:ticket:{id}:seen      set of message ids already recorded (retried saves record nothing twice)
  {p}:ticket:{id}:notes     list of JSON case notes
  {p}:active                sorted set of claimed and returned tickets (by claim time)
  {p}:closed                sorted set of closed tickets (by closing time)
  {p}:events                stream of what happened (ticket_opened, child_message, claimed, ...), read by the
                            console's worker; it never holds message text
  {p}:ack:{id}              throttle key: the child was told "a counsellor is coming" recently

Every change that must not race (open, record, claim, transfer, finish) is one Lua script, so two counsellors
can never claim the same ticket and rising risk can never push a claimed ticket back into the queue. The
scripts compute keys from the prefix, so they assume one Redis server (not Redis Cluster), like Rasa's lock
store does.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from bot.handoff.tickets import decode_message, decode_ticket, encode_packet
from bot.safety.levels import IMMINENT, rank

DEFAULT_PREFIX = "handoff"
EVENTS_MAXLEN = 20000
# Scores are (levels above this one) * 10^13 + waiting-since in epoch milliseconds: a lower score is served
# first, every imminent ticket comes before every high one, and within a level the longest wait comes first.
# Epoch milliseconds stay below 10^13 until the year 2286; scores stay exact in a double.
_LEVEL_STRIDE = 10 ** 13


def priority_score(level: str, waiting_since_ms: int) -> int:
    """The queue score of a ticket: lower is served first."""
    return (rank(IMMINENT) - rank(level)) * _LEVEL_STRIDE + int(waiting_since_ms)


def now_ms() -> int:
    return int(time.time() * 1000)


# Shared Lua: keys, scores, events, and "raise the risk, never lower it".
_LUA_COMMON = """
local P = ARGV[1]
local NOW = ARGV[2]
local function tkey(id) return P .. ':ticket:' .. id end
local function score(r, waiting_since)
  return string.format('%.0f', (4 - r) * 1e13 + tonumber(waiting_since))
end
local function event(kind, id, conv, extra)
  local args = {P .. ':events', 'MAXLEN', '~', '""" + str(EVENTS_MAXLEN) + """', '*',
                'type', kind, 'ticket_id', id, 'conversation_id', conv or '', 'at_ms', NOW}
  if extra then for k, v in pairs(extra) do table.insert(args, k); table.insert(args, tostring(v)) end end
  redis.call('XADD', unpack(args))
end
local function merge_unique(existing_json, additions)
  local ok, list = pcall(cjson.decode, existing_json or '[]')
  if not ok or type(list) ~= 'table' then list = {} end
  local seen = {}
  for _, v in ipairs(list) do seen[v] = true end
  for _, v in ipairs(additions or {}) do
    if not seen[v] then table.insert(list, v); seen[v] = true end
  end
  return list
end
local function append_capped(existing_json, additions, cap)
  local ok, list = pcall(cjson.decode, existing_json or '[]')
  if not ok or type(list) ~= 'table' then list = {} end
  for _, v in ipairs(additions or {}) do table.insert(list, v) end
  while #list > cap do table.remove(list, 1) end
  return list
end
-- Raise a ticket's risk to (level, r) if that is higher; merge categories and evidence either way.
-- A waiting ticket moves up the queue (ZADD XX LT: only if still queued, only ever to a better place).
local function raise_risk(id, level, r, categories, evidence)
  local t = tkey(id)
  local cats = merge_unique(redis.call('HGET', t, 'categories'), categories)
  if #cats > 0 then redis.call('HSET', t, 'categories', cjson.encode(cats)) end
  if evidence and #evidence > 0 then
    redis.call('HSET', t, 'evidence', cjson.encode(append_capped(redis.call('HGET', t, 'evidence'), evidence, 40)))
  end
  local current = tonumber(redis.call('HGET', t, 'risk_rank') or '0') or 0
  if r > current then
    redis.call('HSET', t, 'risk_level', level, 'risk_rank', tostring(r))
    redis.call('ZADD', P .. ':queue', 'XX', 'LT', score(r, redis.call('HGET', t, 'waiting_since_ms')), id)
    return 1
  end
  return 0
end
"""

# ARGV: prefix, now, conversation id, new ticket id, fields (JSON object), ack interval seconds
_OPEN_TICKET = _LUA_COMMON + """
local conv, id, fields, ack_s = ARGV[3], ARGV[4], cjson.decode(ARGV[5]), ARGV[6]
local existing = redis.call('HGET', P .. ':open', conv)
if existing then
  local cats = cjson.decode(fields['categories'] or '[]')
  local evid = cjson.decode(fields['evidence'] or '[]')
  local raised = raise_risk(existing, fields['risk_level'], tonumber(fields['risk_rank']), cats, evid)
  redis.call('HINCRBY', tkey(existing), 'version', 1)
  if raised == 1 then event('risk_raised', existing, conv, {risk_level = fields['risk_level']}) end
  return {existing, 0}
end
local t = tkey(id)
for k, v in pairs(fields) do redis.call('HSET', t, k, v) end
redis.call('HSET', t, 'id', id, 'status', 'waiting', 'version', '1', 'child_message_count', '0')
redis.call('HSET', P .. ':open', conv, id)
redis.call('ZADD', P .. ':queue', score(tonumber(fields['risk_rank']), fields['waiting_since_ms']), id)
redis.call('SET', P .. ':ack:' .. id, '1', 'EX', ack_s)
event('ticket_opened', id, conv, {risk_level = fields['risk_level']})
return {id, 1}
"""

# ARGV: prefix, now, conversation id -> {ticket id, trigger_ts} or nil when no ticket is open
_OPEN_TICKET_INFO = _LUA_COMMON + """
local id = redis.call('HGET', P .. ':open', ARGV[3])
if not id then return nil end
return {id, redis.call('HGET', tkey(id), 'trigger_ts') or '0'}
"""

# ARGV: prefix, now, conversation id, messages (JSON list of child messages, see tickets.child_message)
_RECORD_CHILD_MESSAGES = _LUA_COMMON + """
local conv = ARGV[3]
local id = redis.call('HGET', P .. ':open', conv)
if not id then return nil end
local t = tkey(id)
local added, raised = 0, 0
for _, m in ipairs(cjson.decode(ARGV[4])) do
  if redis.call('SADD', t .. ':seen', m['message_id']) == 1 then
    redis.call('RPUSH', t .. ':messages', cjson.encode(m))
    added = added + 1
    if raise_risk(id, m['level'], tonumber(m['rank']) or 0, m['categories'], m['evidence']) == 1 then
      raised = 1
    end
  end
end
if added > 0 then
  redis.call('HSET', t, 'last_child_message_ms', NOW)
  redis.call('HINCRBY', t, 'child_message_count', added)
  redis.call('HINCRBY', t, 'version', 1)
  event('child_message', id, conv, {status = redis.call('HGET', t, 'status'), risk_level =
        redis.call('HGET', t, 'risk_level'), raised = raised, count = added})
end
return {id, added, raised}
"""

# ARGV: prefix, now, ticket id, counsellor -> 1 claimed, 0 someone else was faster (or not waiting)
_CLAIM = _LUA_COMMON + """
local id, who = ARGV[3], ARGV[4]
if redis.call('ZREM', P .. ':queue', id) == 0 then return 0 end
local t = tkey(id)
redis.call('HSET', t, 'status', 'claimed', 'counsellor', who, 'claimed_at_ms', NOW)
redis.call('HINCRBY', t, 'version', 1)
redis.call('ZADD', P .. ':active', NOW, id)
event('claimed', id, redis.call('HGET', t, 'conversation_id'), {counsellor = who})
return 1
"""

# ARGV: prefix, now, ticket id, expected counsellor ('' = anyone, for supervisors), new counsellor ('' = queue)
_TRANSFER = _LUA_COMMON + """
local id, expected, to = ARGV[3], ARGV[4], ARGV[5]
local t = tkey(id)
local status = redis.call('HGET', t, 'status')
if not status then return 'not_found' end
if status ~= 'claimed' then return 'not_claimed' end
if expected ~= '' and redis.call('HGET', t, 'counsellor') ~= expected then return 'not_yours' end
if to == '' then
  redis.call('HSET', t, 'status', 'waiting', 'counsellor', '')
  redis.call('ZREM', P .. ':active', id)
  -- Back in the queue at its old place: the child keeps their waiting time and their risk.
  redis.call('ZADD', P .. ':queue', score(tonumber(redis.call('HGET', t, 'risk_rank')),
             redis.call('HGET', t, 'waiting_since_ms')), id)
else
  redis.call('HSET', t, 'counsellor', to)
end
redis.call('HINCRBY', t, 'version', 1)
event('transferred', id, redis.call('HGET', t, 'conversation_id'), {to = to})
return 'ok'
"""

# ARGV: prefix, now, ticket id, expected counsellor ('' = anyone), new status (returned | closed), actor,
#       case category, case subcategory
_FINISH = _LUA_COMMON + """
local id, expected, new_status, actor = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local t = tkey(id)
local status = redis.call('HGET', t, 'status')
if not status then return 'not_found' end
if new_status == 'returned' and status ~= 'claimed' then return 'not_claimed' end
if new_status == 'closed' and status ~= 'claimed' and status ~= 'returned' then return 'not_claimed' end
if expected ~= '' and redis.call('HGET', t, 'counsellor') ~= expected then return 'not_yours' end
local conv = redis.call('HGET', t, 'conversation_id')
if redis.call('HGET', P .. ':open', conv) == id then redis.call('HDEL', P .. ':open', conv) end
redis.call('HSET', t, 'status', new_status)
if new_status == 'returned' then
  redis.call('HSET', t, 'returned_at_ms', NOW)
else
  redis.call('HSET', t, 'closed_at_ms', NOW, 'closed_by', actor, 'case_category', ARGV[7],
             'case_subcategory', ARGV[8])
  redis.call('ZREM', P .. ':active', id)
  redis.call('ZADD', P .. ':closed', NOW, id)
end
redis.call('HINCRBY', t, 'version', 1)
event(new_status, id, conv, {by = actor})
return 'ok'
"""


@dataclass(frozen=True)
class OpenTicket:
    """A conversation's open ticket as the tracker store sees it."""

    ticket_id: str
    trigger_ts: float


def _decode_list(values: Sequence[Any]) -> List[Any]:
    return [v.decode() if isinstance(v, bytes) else v for v in values]


class HandoffQueue:
    """The queue for asyncio code (action server, console). `redis` is a redis.asyncio client with
    decode_responses=True."""

    def __init__(self, redis: Any, prefix: str = DEFAULT_PREFIX) -> None:
        self.redis = redis
        self.prefix = prefix
        self._open = redis.register_script(_OPEN_TICKET)
        self._record = redis.register_script(_RECORD_CHILD_MESSAGES)
        self._claim = redis.register_script(_CLAIM)
        self._transfer = redis.register_script(_TRANSFER)
        self._finish = redis.register_script(_FINISH)

    # ---------------------------------------------------------------------------------------- keys

    def key(self, *parts: str) -> str:
        return ":".join((self.prefix,) + parts)

    def ticket_key(self, ticket_id: str) -> str:
        return self.key("ticket", ticket_id)

    @property
    def events_key(self) -> str:
        return self.key("events")

    # ---------------------------------------------------------------------------------------- writes

    async def open_ticket(self, ticket_id: str, packet: Mapping[str, Any], ack_interval_s: int = 180,
                          at_ms: Optional[int] = None) -> Tuple[str, bool]:
        """Queue a new ticket for the packet's conversation, or (if one is open) raise that one's risk.

        Returns (ticket id, created). Re-running a handoff for a conversation that already waits (a retried
        delivery, a child asking twice) never makes a second ticket.
        """
        fields = encode_packet(packet)
        result = await self._open(args=[self.prefix, at_ms or now_ms(), packet["conversation_id"], ticket_id,
                                        json.dumps(fields, ensure_ascii=False), int(ack_interval_s)])
        existing, created = _decode_list(result)
        return existing, bool(int(created))

    async def record_child_messages(self, conversation_id: str, messages: Sequence[Mapping[str, Any]],
                                    at_ms: Optional[int] = None) -> Optional[Tuple[str, int, bool]]:
        """Record messages a waiting child wrote (idempotent by message id); None when no ticket is open."""
        result = await self._record(args=[self.prefix, at_ms or now_ms(), conversation_id,
                                          json.dumps(list(messages), ensure_ascii=False)])
        if not result:
            return None
        ticket_id, added, raised = _decode_list(result)
        return ticket_id, int(added), bool(int(raised))

    async def claim(self, ticket_id: str, counsellor: str) -> bool:
        """Atomically take a waiting ticket: True for exactly one caller, False for everyone else."""
        return bool(int(await self._claim(args=[self.prefix, now_ms(), ticket_id, counsellor])))

    async def transfer(self, ticket_id: str, to: Optional[str], expected_counsellor: Optional[str]) -> str:
        """Hand a claimed ticket to another counsellor, or back to the queue (to=None) at its old place.

        `expected_counsellor` is the caller for a counsellor (only their own tickets), None for a supervisor.
        Returns "ok", "not_found", "not_claimed" or "not_yours".
        """
        return str(await self._transfer(args=[self.prefix, now_ms(), ticket_id, expected_counsellor or "",
                                              to or ""]))

    async def finish(self, ticket_id: str, status: str, actor: str, expected_counsellor: Optional[str],
                     case_category: str = "", case_subcategory: str = "") -> str:
        """Mark a ticket `returned` (the bot has the conversation again) or `closed` (case notes done).

        Either way the conversation has no open ticket any more, so a new risk makes a new ticket.
        Returns "ok", "not_found", "not_claimed" or "not_yours".
        """
        if status not in ("returned", "closed"):
            raise ValueError(f"cannot finish a ticket as {status!r}")
        return str(await self._finish(args=[self.prefix, now_ms(), ticket_id, expected_counsellor or "", status,
                                            actor, case_category, case_subcategory]))

    async def add_note(self, ticket_id: str, author: str, text: str) -> Dict[str, Any]:
        """Append a case note (kept with the ticket for good)."""
        note = {"author": author, "text": text, "at_ms": now_ms()}
        pipe = self.redis.pipeline(transaction=True)
        pipe.rpush(self.key("ticket", ticket_id, "notes"), json.dumps(note, ensure_ascii=False))
        pipe.hincrby(self.ticket_key(ticket_id), "version", 1)
        await pipe.execute()
        return note

    async def touch(self, ticket_id: str, **fields: Any) -> None:
        """Set some ticket fields and bump its version (the console re-reads the conversation)."""
        pipe = self.redis.pipeline(transaction=True)
        if fields:
            pipe.hset(self.ticket_key(ticket_id), mapping={k: str(v) for k, v in fields.items()})
        pipe.hincrby(self.ticket_key(ticket_id), "version", 1)
        await pipe.execute()

    # ---------------------------------------------------------------------------------------- reads

    async def ticket(self, ticket_id: str) -> Optional[Dict[str, Any]]:
        fields = await self.redis.hgetall(self.ticket_key(ticket_id))
        return decode_ticket(fields) if fields else None

    async def tickets(self, ticket_ids: Sequence[str]) -> List[Dict[str, Any]]:
        if not ticket_ids:
            return []
        pipe = self.redis.pipeline(transaction=False)
        for ticket_id in ticket_ids:
            pipe.hgetall(self.ticket_key(ticket_id))
        return [decode_ticket(fields) for fields in await pipe.execute() if fields]

    async def version(self, ticket_id: str) -> int:
        return int(await self.redis.hget(self.ticket_key(ticket_id), "version") or 0)

    async def waiting(self, limit: int = 500) -> List[Dict[str, Any]]:
        """Waiting tickets, the one to serve first first."""
        return await self.tickets(await self.redis.zrange(self.key("queue"), 0, limit - 1))

    async def active(self, counsellor: Optional[str] = None, limit: int = 500) -> List[Dict[str, Any]]:
        """Claimed and returned (not yet closed) tickets, oldest claim first; one counsellor's if given."""
        tickets = await self.tickets(await self.redis.zrange(self.key("active"), 0, limit - 1))
        return [t for t in tickets if counsellor is None or t.get("counsellor") == counsellor]

    async def position(self, ticket_id: str) -> Optional[int]:
        """1 for the next ticket to be served; None when the ticket is not waiting."""
        index = await self.redis.zrank(self.key("queue"), ticket_id)
        return None if index is None else index + 1

    async def open_ticket_id(self, conversation_id: str) -> Optional[str]:
        return await self.redis.hget(self.key("open"), conversation_id)

    async def messages(self, ticket_id: str, start: int = 0) -> List[Dict[str, Any]]:
        raw = await self.redis.lrange(self.key("ticket", ticket_id, "messages"), start, -1)
        return [m for m in (decode_message(item) for item in raw) if m is not None]

    async def notes(self, ticket_id: str) -> List[Dict[str, Any]]:
        raw = await self.redis.lrange(self.key("ticket", ticket_id, "notes"), 0, -1)
        return [json.loads(item) for item in raw]

    async def queue_length(self) -> int:
        return int(await self.redis.zcard(self.key("queue")))


class SyncHandoffRecorder:
    """The two queue operations the tracker store needs, for a synchronous redis-py client (Rasa's)."""

    def __init__(self, redis: Any, prefix: str = DEFAULT_PREFIX) -> None:
        self.prefix = prefix
        self._info = redis.register_script(_OPEN_TICKET_INFO)
        self._record = redis.register_script(_RECORD_CHILD_MESSAGES)

    def open_ticket(self, conversation_id: str) -> Optional[OpenTicket]:
        """The conversation's open ticket (one round trip; None for the vast majority of conversations)."""
        result = self._info(args=[self.prefix, now_ms(), conversation_id])
        if not result:
            return None
        ticket_id, trigger_ts = _decode_list(result)
        try:
            return OpenTicket(ticket_id, float(trigger_ts or 0.0))
        except ValueError:
            return OpenTicket(ticket_id, 0.0)

    def record_child_messages(self, conversation_id: str,
                              messages: Sequence[Mapping[str, Any]]) -> Optional[Tuple[str, int, bool]]:
        result = self._record(args=[self.prefix, now_ms(), conversation_id,
                                    json.dumps(list(messages), ensure_ascii=False)])
        if not result:
            return None
        ticket_id, added, raised = _decode_list(result)
        return ticket_id, int(added), bool(int(raised))
