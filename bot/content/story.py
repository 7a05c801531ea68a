"""Turn a stored conversation into a test story: `python -m bot.content.story ID [--out FILE]` (`make story ID=…`).

Reads the conversation's events from the Redis tracker store, with Rasa's own RedisTrackerStore configured as in
endpoints.yml (key prefix "tracker", so the Redis key is "tracker:tracker:<id>"), or from the Rasa server's HTTP
API (GET /conversations/<id>/tracker) when RASA_URL and RASA_TOKEN are set. It writes a Rasa test story skeleton:
each user message with its text and intent, the bot's actions, and the slots that steer the conversation, with
personal details replaced (bot/content/redact.py). A person reviews and edits the skeleton before committing it
to tests/stories/.
"""
from __future__ import annotations

import bot.content.quiet  # noqa: F401  (first: silences TensorFlow's start-up lines)

import argparse
import asyncio
import datetime as dt
import io
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from bot.content.redact import looks_personal, redact
from bot.privacy import pseudonym
from bot.settings import PROJECT_ROOT, Settings

TRACKER_KEY_PREFIX = "tracker"  # endpoints.yml: tracker_store.key_prefix
# Actions that Rasa runs itself at every turn or session start: a test story leaves them out.
SKIPPED_ACTIONS = {"action_listen", "action_session_start", "action_unlikely_intent"}
# Slots worth writing after the step that set them: those that steer the conversation (influence_conversation
# in domain.yml). Language, age group and country come from the message's entities, which the user line
# carries as an annotation, as in the project's own test stories. Ticket ids and queue positions change every run.
NEVER_USEFUL_SLOTS = {"handoff_ticket_id", "queue_position", "helpline_numbers", "emergency_number",
                      "medium_risk_count", "risk_categories"}
# Inside a story's user line, square brackets mark entities, so placeholders there are written «…», in the
# message's own script (a Latin word in an Arabic message would change which language it is detected as).
STORY_PLACEHOLDERS = {
    "latin": {"[NAME]": "«NAME»", "[PHONE]": "«PHONE»", "[EMAIL]": "«EMAIL»", "[URL]": "«URL»",
              "[HANDLE]": "«HANDLE»"},
    "arabic": {"[NAME]": "«اسم»", "[PHONE]": "«رقم»", "[EMAIL]": "«بريد»", "[URL]": "«رابط»",
               "[HANDLE]": "«حساب»"},
}
_ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_SAFE_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,80}$")


class StoryError(RuntimeError):
    """The conversation could not be read; the message says why and what to do."""


# ------------------------------------------------------------------------------------------------ reading
def useful_slots(domain_file: Path = PROJECT_ROOT / "domain.yml") -> set:
    """Slots whose values go into the story: those that influence the conversation."""
    useful: set = set()
    try:
        slots = YAML(typ="safe").load(domain_file.read_text(encoding="utf-8")).get("slots") or {}
    except (OSError, AttributeError):
        return useful
    for name, definition in slots.items():
        if isinstance(definition, dict) and definition.get("influence_conversation", True):
            useful.add(str(name))
    return useful - NEVER_USEFUL_SLOTS


async def _events_from_redis(conversation_id: str, settings: Settings) -> Optional[List[Dict[str, Any]]]:
    from rasa.core.tracker_store import RedisTrackerStore
    from rasa.shared.core.domain import Domain

    try:
        domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    except Exception:  # noqa: BLE001 - the events are readable without the domain; slots are just not checked
        domain = Domain.empty()
    store = RedisTrackerStore(
        domain=domain,
        host=settings.redis_host,
        port=settings.redis_port,
        db=settings.redis_db,
        password=settings.redis_password or None,
        key_prefix=TRACKER_KEY_PREFIX,
    )
    tracker = await store.retrieve_full_tracker(conversation_id)
    if tracker is None:
        return None
    return [event.as_dict() for event in tracker.events]


def events_from_redis(conversation_id: str, settings: Optional[Settings] = None) -> List[Dict[str, Any]]:
    """Every event of the conversation, read with Rasa's RedisTrackerStore (all sessions)."""
    import redis

    settings = settings or Settings.from_environment()
    try:
        events = asyncio.run(_events_from_redis(conversation_id, settings))
    except redis.exceptions.ConnectionError as error:
        raise StoryError(
            f"Cannot reach Redis at {settings.redis_host}:{settings.redis_port} ({error}). What to do: start it "
            "with `make run` (or `make redis`), or set REDIS_HOST / REDIS_PORT to where the conversations are."
        ) from error
    if events is None:
        raise StoryError(
            f'No conversation with the id "{conversation_id}" in Redis at {settings.redis_host}:'
            f"{settings.redis_port} (db {settings.redis_db}). What to do: copy the id from the counsellor "
            "console (or the Rasa log) exactly, and check REDIS_HOST / REDIS_PORT / REDIS_DB."
        )
    return events


def events_from_api(conversation_id: str, rasa_url: str, token: str) -> List[Dict[str, Any]]:
    """Every event of the conversation, from the Rasa server's HTTP API."""
    query = urllib.parse.urlencode({"include_events": "ALL", "token": token})
    url = f"{rasa_url.rstrip('/')}/conversations/{urllib.parse.quote(conversation_id, safe='')}/tracker?{query}"
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - the operator's own server
            tracker = json.load(response)
    except urllib.error.HTTPError as error:
        raise StoryError(
            f"The Rasa server at {rasa_url} answered {error.code} for this conversation. What to do: check "
            "RASA_TOKEN (401/403) and the conversation id (404)."
        ) from error
    except (urllib.error.URLError, OSError) as error:
        raise StoryError(
            f"Cannot reach the Rasa server at {rasa_url} ({error}). What to do: start it with `make run`, or "
            "unset RASA_URL and RASA_TOKEN to read the conversation from Redis instead."
        ) from error
    events = tracker.get("events") or []
    if not any(event.get("event") == "user" for event in events):
        raise StoryError(
            f'The conversation "{conversation_id}" has no messages from the child on {rasa_url}. What to do: '
            "check the id (copy it from the counsellor console)."
        )
    return events


# ------------------------------------------------------------------------------------------------ writing
def story_text(text: str) -> str:
    """A child's message made safe for a story's user line: redacted, placeholders in the message's script."""
    redacted = redact(text)
    arabic = len(_ARABIC_LETTER.findall(text)) > len(_LATIN_LETTER.findall(text))
    for placeholder, written in STORY_PLACEHOLDERS["arabic" if arabic else "latin"].items():
        redacted = redacted.replace(placeholder, written)
    # Any bracket left would start an entity annotation: write it as a round one.
    return redacted.replace("[", "(").replace("]", ")").strip()


def _annotated(text: str, entities: List[Dict[str, Any]]) -> str:
    """The text with its entities, as the project's test stories write them: `[text]{...}` or `[text][{...}]`."""
    if not entities or not text:
        return text
    labels = [{"entity": e["entity"], "value": e["value"]} for e in entities]
    if len(labels) == 1:
        return f"[{text}]{json.dumps(labels[0], ensure_ascii=False)}"
    return f"[{text}]{json.dumps(labels, ensure_ascii=False)}"


def _entities(event: Dict[str, Any]) -> List[Dict[str, Any]]:
    parse_data = event.get("parse_data") or {}
    found = []
    for entity in parse_data.get("entities") or event.get("entities") or []:
        if isinstance(entity, dict) and entity.get("entity"):
            value = entity.get("value")
            found.append({"entity": entity["entity"], "value": redact(value) if isinstance(value, str) else value})
    return found


def _user_step(event: Dict[str, Any]) -> Dict[str, Any]:
    parse_data = event.get("parse_data") or {}
    intent = (parse_data.get("intent") or {}).get("name") or "nlu_fallback"
    text = event.get("text") or ""
    entities = _entities(event)
    if text.startswith("/"):
        # A button: Rasa reads the payload as the intent (and entities), so the story does too.
        step: Dict[str, Any] = {"intent": intent}
        if entities:
            step["entities"] = [{e["entity"]: e["value"]} for e in entities]
        return step
    return {"user": LiteralScalarString(_annotated(story_text(text), entities) + "\n"), "intent": intent}


def story_steps(events: List[Dict[str, Any]], slots_to_keep: set) -> List[Dict[str, Any]]:
    """Story steps for the events: user turns, bot actions, useful slot values, form loops."""
    steps: List[Dict[str, Any]] = []
    seen_user = False
    for event in events:
        kind = event.get("event")
        if kind == "user":
            seen_user = True
            steps.append(_user_step(event))
        elif not seen_user:
            continue  # session start and carried-over slots: the test starts from the first message
        elif kind == "action" and event.get("name") not in SKIPPED_ACTIONS:
            steps.append({"action": event.get("name")})
        elif kind == "slot" and event.get("name") in slots_to_keep:
            value = event.get("value")
            value = redact(value) if isinstance(value, str) else value
            if steps and "slot_was_set" in steps[-1]:
                steps[-1]["slot_was_set"].append({event["name"]: value})
            else:
                steps.append({"slot_was_set": [{event["name"]: value}]})
        elif kind == "active_loop":
            steps.append({"active_loop": event.get("name")})
    return steps


def safe_id(conversation_id: str) -> str:
    """The id as it may appear in a file name and a story title: a pseudonym when the id is personal."""
    if looks_personal(conversation_id) or not _SAFE_ID.match(conversation_id):
        return f"conv-{pseudonym(conversation_id)}"
    return conversation_id


def render_story(conversation_id: str, steps: List[Dict[str, Any]], today: Optional[dt.date] = None) -> str:
    """The test story file's text."""
    today = today or dt.date.today()
    name = safe_id(conversation_id)
    yaml = YAML()
    yaml.indent(mapping=2, sequence=2, offset=0)
    yaml.width = 4096
    buffer = io.StringIO()
    yaml.dump({"version": "3.1", "stories": [{"story": f"reviewed conversation {name}", "steps": steps}]}, buffer)
    header = (
        f"# Test story made by `make story` from conversation {name} on {today.isoformat()}.\n"
        "# Personal details were replaced by [NAME], [PHONE], [EMAIL], [URL], [HANDLE]. Before committing:\n"
        "#  1. read every user line and remove anything else that could identify a child (school, street, ...);\n"
        "#  2. check that each intent and bot action is what the assistant SHOULD do (fix the ones it got wrong);\n"
        "#  3. run `make test` (or `make validate`) and open a pull request (docs/content-guide.md).\n"
    )
    return header + buffer.getvalue()


# ------------------------------------------------------------------------------------------------ command
def read_events(conversation_id: str, source: str = "auto") -> List[Dict[str, Any]]:
    """Events from the HTTP API (source "api", or "auto" with RASA_URL and RASA_TOKEN set) or from Redis."""
    use_api = source == "api" or (source == "auto" and os.environ.get("RASA_URL") and os.environ.get("RASA_TOKEN"))
    if use_api:
        settings = Settings.from_environment()
        if not settings.rasa_token:
            raise StoryError("RASA_TOKEN is not set. What to do: set it to the Rasa server's token, or use "
                             "--source redis.")
        return events_from_api(conversation_id, settings.rasa_url, settings.rasa_token)
    return events_from_redis(conversation_id)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.content.story",
        description="Write a test story (personal details replaced) from a stored conversation.",
    )
    parser.add_argument("conversation_id", help="the conversation id (sender id), e.g. from the counsellor console")
    parser.add_argument("--out", type=Path, default=None,
                        help="file to write (default: tests/stories/reviewed_<id>.yml)")
    parser.add_argument("--source", choices=("auto", "redis", "api"), default="auto",
                        help="where to read the conversation (default: the API if RASA_URL and RASA_TOKEN are set)")
    args = parser.parse_args(argv)
    try:
        events = read_events(args.conversation_id, args.source)
    except StoryError as error:
        print(f"Conversation {safe_id(args.conversation_id)}: {error}")
        return 1
    steps = story_steps(events, useful_slots())
    if not steps:
        print(f"Conversation {safe_id(args.conversation_id)}: it has no messages from the child yet. What to "
              "do: pick a conversation where the child wrote something.")
        return 1
    out = args.out or PROJECT_ROOT / "tests" / "stories" / f"reviewed_{safe_id(args.conversation_id)}.yml"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_story(args.conversation_id, steps), encoding="utf-8")
    users = sum(1 for step in steps if "intent" in step)
    print(f"{out}: test story written ({users} messages from the child, {len(steps)} steps).")
    print("What to do next: read it, replace anything personal that is left, correct the expected intents and "
          "actions, then run `make test` and open a pull request.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
