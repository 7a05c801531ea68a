"""The audit log: who viewed, claimed, wrote, transferred, returned and closed what, and when.

A Redis stream (`console:audit`), append-only and persisted with everything else. Entries never hold what a
child or counsellor wrote: a reply is logged as "replied (123 chars)". Supervisors read it in the console.
"""
from __future__ import annotations

import time
from typing import Any, Dict, List, Optional

AUDIT_KEY = "console:audit"
# About a year of a busy helpline; trimming is approximate (whole stream nodes), never below this.
AUDIT_MAXLEN = 2_000_000


class AuditLog:
    def __init__(self, redis: Any) -> None:
        self.redis = redis

    async def record(self, actor: str, action: str, ticket_id: str = "", conversation_id: str = "",
                     detail: str = "") -> None:
        """Append one entry."""
        await self.redis.xadd(AUDIT_KEY, {
            "at": f"{time.time():.3f}", "actor": actor, "action": action, "ticket_id": ticket_id,
            "conversation_id": conversation_id, "detail": detail[:300]}, maxlen=AUDIT_MAXLEN, approximate=True)

    async def recent(self, limit: int = 200, ticket_id: Optional[str] = None) -> List[Dict[str, Any]]:
        """Newest entries first (optionally only one ticket's)."""
        entries = []
        last = "+"
        while len(entries) < limit:
            batch = await self.redis.xrevrange(AUDIT_KEY, max=last, min="-", count=500)
            if not batch:
                break
            for entry_id, fields in batch:
                if entry_id == last:
                    continue
                if ticket_id is None or fields.get("ticket_id") == ticket_id:
                    entries.append({"id": entry_id, **fields, "at": float(fields.get("at") or 0)})
                    if len(entries) >= limit:
                        break
            if len(batch) < 500 or ticket_id is None:
                break
            last = batch[-1][0]
        return entries
