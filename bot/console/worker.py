"""The console's background worker: a waiting child who writes always hears that a person is coming.

The tracker store adds a `child_message` entry to the `handoff:events` stream whenever a waiting child writes
(bot.handoff.queue). This worker reads the stream as a Redis consumer group (several console processes share
the work, and a restarted console resumes where it stopped) and, at most once per
`acknowledgements.interval_s` per ticket, posts a bot message through Rasa's API:
"a counsellor will be with you soon (you are number N); in an emergency call ..." or, when no counsellor is
online or the helpline is closed, "nobody is online right now; your message is kept; in an emergency call ...".
The throttle is a Redis key set with NX and an expiry, so two consoles never both answer.
"""
from __future__ import annotations

import asyncio
import logging
import socket
import time
from typing import Any, Dict

from bot.console.presenters import whatsapp_window
from bot.console.rasa_client import RasaClient, RasaError
from bot.console.resources import ConsoleContent, placeholder_values
from bot.handoff.availability import counsellors_available
from bot.handoff.queue import HandoffQueue
from bot.handoff.service_settings import ServiceSettings
from bot.privacy import pseudonym

logger = logging.getLogger(__name__)

GROUP = "console-acknowledgements"
# An acknowledgement that could not be sent within this time is pointless (the child has moved on).
STALE_AFTER_MS = 10 * 60 * 1000


class AcknowledgementWorker:
    def __init__(self, redis: Any, queue: HandoffQueue, rasa: RasaClient, content: ConsoleContent,
                 service: ServiceSettings, consumer: str = "") -> None:
        self.redis = redis
        self.queue = queue
        self.rasa = rasa
        self.content = content
        self.service = service
        self.consumer = consumer or f"console-{socket.gethostname()}"
        self.sent = 0

    async def ensure_group(self) -> None:
        try:
            await self.redis.xgroup_create(self.queue.events_key, GROUP, id="$", mkstream=True)
        except Exception as error:  # BUSYGROUP: it exists already (another console, or an earlier run)
            if "BUSYGROUP" not in str(error):
                raise

    async def run_forever(self) -> None:
        """Process events until cancelled; errors are logged and retried, never fatal."""
        await self.ensure_group()
        pending_first = True
        while True:
            try:
                # After a restart, first finish what this consumer had read but not acknowledged.
                processed = await self.process_once("0" if pending_first else ">", block_ms=2000)
                if pending_first and processed == 0:
                    pending_first = False
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001
                logger.warning("acknowledgement worker: %s; retrying", type(error).__name__)
                await asyncio.sleep(1)

    async def process_once(self, start: str = ">", block_ms: int = 2000) -> int:
        """Read and handle one batch of events; returns how many were read."""
        batches = await self.redis.xreadgroup(GROUP, self.consumer, {self.queue.events_key: start}, count=50,
                                              block=None if start == "0" else block_ms)
        count = 0
        for _, entries in batches or []:
            for entry_id, fields in entries:
                count += 1
                if fields:
                    await self.handle(fields)
                await self.redis.xack(self.queue.events_key, GROUP, entry_id)
        return count

    async def handle(self, event: Dict[str, str]) -> None:
        if event.get("type") != "child_message" or event.get("status") != "waiting":
            return
        if time.time() * 1000 - float(event.get("at_ms") or 0) > STALE_AFTER_MS:
            return
        ticket_id = event.get("ticket_id", "")
        throttle = self.queue.key("ack", ticket_id)
        if not await self.redis.set(throttle, "1", ex=self.service.acknowledgement_interval_s, nx=True):
            return
        ticket = await self.queue.ticket(ticket_id)
        if not ticket or ticket.get("status") != "waiting":
            return
        conversation_id = ticket["conversation_id"]
        window = whatsapp_window(ticket.get("channel") or "",
                                 await self.redis.get(f"whatsapp:last_inbound:{conversation_id}"),
                                 self.service.whatsapp_free_text_window_s)
        if window is not None and not window["open"]:
            return
        available = await counsellors_available(self.redis, self.service)
        name = "waiting_ack" if available else "waiting_ack_no_counsellor"
        values = placeholder_values(ticket.get("country"), ticket.get("language"),
                                    queue_position=await self.queue.position(ticket_id) or "")
        text = self.content.system_message(name, ticket.get("language"), values)
        try:
            await self.rasa.send_bot_message(conversation_id, text, {"system": True, "kind": name})
        except RasaError as error:
            # Let the child's next message try again rather than staying silent for a whole interval.
            await self.redis.delete(throttle)
            logger.warning("acknowledgement for conversation %s not delivered (Rasa status %s)",
                           pseudonym(conversation_id), error.status)
            return
        self.sent += 1
        await self.queue.touch(ticket_id, last_ack_ms=int(time.time() * 1000))
        logger.info("acknowledged waiting conversation %s (%s)", pseudonym(conversation_id), name)
