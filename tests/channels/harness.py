"""A Sanic server with the real WhatsApp and web chat channels, and a recording message handler in place of
Rasa's agent, so the channels' own behaviour can be tested without a trained model.

Run: python tests/channels/harness.py --port P (Redis and WHATSAPP_* from the environment).
The handler appends each UserMessage to the Redis list `harness:received` and answers through the
message's output channel:
  "/buttons"     -> a message with three reply buttons
  "/many"        -> a message with six choices (a WhatsApp list)
  "/crash-once"  -> the process dies mid-message the first time (tests recovery after a restart)
  anything else  -> "received <n> chars"
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
from sanic import Sanic  # noqa: E402

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
    webchat = WebChatInput.from_credentials({"quick_exit_url": "https://example.org/weather"})
    redis = {}

    async def handle(message: UserMessage) -> None:
        client = redis.setdefault("client", async_redis_client())
        if message.text == "/crash-once" and await client.set("harness:crashed", "1", nx=True):
            os._exit(3)  # a crash in the middle of handling the message
        await client.rpush("harness:received", json.dumps({
            "text": message.text, "sender_id": message.sender_id, "input_channel": message.input_channel,
            "metadata": message.metadata, "message_id": message.message_id}, ensure_ascii=False))
        output = message.output_channel
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
