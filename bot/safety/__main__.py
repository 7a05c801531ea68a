"""Batch risk assessment: `python -m bot.safety < messages.txt > risk.jsonl`.

Reads UTF-8 lines on stdin (one message per line) and writes one JSON object per line:
{"text", "level", "categories", "language", "evidence"}. Each message goes through the newest trained model
with Rasa's Agent.parse_message, exactly like a message to the running assistant.
Exit code 2 when there is no trained model.
"""
from __future__ import annotations

import asyncio
import io
import json
import sys

from bot.safety.agent_runner import agent_or_exit, parse_all, quiet_tensorflow, risk_of


def main() -> int:
    quiet_tensorflow()
    agent = agent_or_exit()  # before reading stdin: no model means exit 2 at once
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    texts = [line.rstrip("\r\n") for line in stdin]
    results = asyncio.run(parse_all(agent, texts))
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", line_buffering=False)
    for text, parsed in zip(texts, results):
        risk = risk_of(parsed)
        record = {"text": text, "level": risk.get("level"), "categories": risk.get("categories"),
                  "language": risk.get("language"), "evidence": risk.get("evidence")}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
