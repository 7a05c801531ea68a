"""A Sanic server with the real WhatsApp and web chat channels, and a recording message handler in place of
Rasa's agent, so the channels' own behaviour can be tested without a trained model.

Run: python tests/channels/harness.py --port P (Redis and WHATSAPP_* from the environment).
The handler appends each UserMessage to the Redis list `harness:received` and answers through the
message's output channel:
  "/buttons"     -> a message with three reply buttons
  "/many"        -> a message with six choices (a WhatsApp list)
  "/crash-once"  -> the process dies mid-message the first time (tests recovery after a restart)
  anything else  -> "received <n> chars"
With HARNESS_QUIET=1 it records but never answers; HARNESS_MULTI_INSTANCE=true sets the web chat's
`multi_instance` (socket.io emits through Redis, for several replicas).

`POST /conversations/<id>/tracker/events?output_channel=latest&execute_side_effects=true` does what Rasa's
HTTP API does for a counsellor's bot event, with Rasa's own functions: the conversation's latest input
channel picks the output channel (`rasa.server._get_output_channel`), and the bot events are delivered by
`MessageProcessor._send_bot_messages`; an exception becomes a 500 like Rasa's.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rasa.core.channels.channel import UserMessage  # noqa: E402
from rasa.core.processor import MessageProcessor  # noqa: E402
from rasa.server import _get_output_channel  # noqa: E402
from rasa.shared.core.events import Event, UserUttered  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402
from sanic import Sanic, response  # noqa: E402

from bot.channels.webchat import WebChatInput  # noqa: E402
from bot.channels.whatsapp import WhatsAppInput  # noqa: E402
from bot.settings import async_redis_client  # noqa: E402


def build_app() -> Sanic:
    app = Sanic("channel_harness")
    whatsapp = WhatsAppInput.from_credentials({
        "verify_token": os.environ["WHATSAPP_VERIFY_TOKEN"],
        "app_secret": os.environ["WHATSAPP_APP_SECRET"],
        "access_token": os.environ["WHATSAPP_ACCESS_TOKEN"],
        "phone_number_id": os.environ["WHATSAPP_PHONE_NUMBER_ID"],
        "api_url": os.environ["WHATSAPP_API_URL"],
        "max_body_bytes": 64 * 1024,
        "retry_base_delay_s": 0.05,
    })
    webchat = WebChatInput.from_credentials({"quick_exit_url": "https://example.org/weather",
                                             "multi_instance": os.environ.get("HARNESS_MULTI_INSTANCE", "false")})
    redis = {}

    async def handle(message: UserMessage) -> None:
        client = redis.setdefault("client", async_redis_client())
        if message.text == "/crash-once" and await client.set("harness:crashed", "1", nx=True):
            os._exit(3)  # a crash in the middle of handling the message
        await client.rpush("harness:received", json.dumps({
            "text": message.text, "sender_id": message.sender_id, "input_channel": message.input_channel,
            "metadata": message.metadata, "message_id": message.message_id}, ensure_ascii=False))
        output = message.output_channel
        if os.environ.get("HARNESS_QUIET"):  # screenshots: the test writes the assistant's side itself
            return
        if message.text == "/buttons":
            await output.send_text_with_buttons(message.sender_id, "Are you safe right now?", [
                {"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"},
                {"title": "Not sure", "payload": "/out_of_scope"}])
        elif message.text == "/many":
            await output.send_text_with_buttons(message.sender_id, "How old are you?", [
                {"title": title, "payload": f"/inform_age{{\"age_group\": \"{value}\"}}"}
                for title, value in [("Under 10", "under_10"), ("10 to 13", "10_13"), ("14 to 17", "14_17"),
                                     ("18 or older", "18_plus"), ("I'd rather not say", "unknown"),
                                     ("Something else entirely", "unknown")]])
        else:
            await output.send_text_message(message.sender_id, f"received {len(message.text or '')} chars")

    @app.post("/conversations/<conversation_id>/tracker/events")
    async def append_events(request, conversation_id: str):
        client = redis.setdefault("client", async_redis_client())
        tracker = DialogueStateTracker(conversation_id, [])
        for raw in await client.lrange("harness:received", 0, -1):
            message = json.loads(raw)
            if message["sender_id"] == conversation_id:
                tracker.update(UserUttered(message["text"], input_channel=message["input_channel"]))
        body = request.json if isinstance(request.json, list) else [request.json]
        events = [Event.from_parameters(event) for event in body]
        for event in events:
            tracker.update(event)
        try:
            await MessageProcessor._send_bot_messages(events, tracker, _get_output_channel(request, tracker))
        except Exception as error:
            return response.json({"status": "failure", "reason": "ConversationError", "code": 500,
                                  "message": f"An unexpected error occurred. Error: {error}"}, status=500)
        return response.json({"sender_id": conversation_id, "events": len(tracker.events)})

    for channel in (whatsapp, webchat):  # as rasa.core.channels.channel.register, with our handler
        app.blueprint(channel.blueprint(handle), url_prefix=f"/webhooks/{channel.url_prefix()}")
    app.ctx.input_channels = [whatsapp, webchat]
    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    build_app().run(host="127.0.0.1", port=args.port, access_log=False)


if __name__ == "__main__":
    main()
