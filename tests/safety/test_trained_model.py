"""Through the newest trained model, exactly as the assistant parses a child's message (skipped without one)."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import pytest

from bot.safety.agent_runner import newest_model_path
from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.skipif(newest_model_path() is None, reason="no trained model: run `make train`")


@pytest.fixture(scope="module")
def agent():
    from bot.safety.agent_runner import load_agent

    return load_agent(newest_model_path())


def parse(agent, text):
    return asyncio.run(agent.parse_message(text))


def test_every_parse_carries_a_risk_assessment(agent):
    result = parse(agent, "hello")
    assert result["risk"]["level"] == "none"
    assert result["risk"]["language"] == "en"


def test_imminent_risk_jumps_the_queue(agent):
    result = parse(agent, "الحبوب بإيدي وبدي اخلص الليلة")
    assert result["risk"]["level"] == "imminent"
    assert result["intent"] == {"name": "risk_imminent", "confidence": 1.0}
    assert result["intent_ranking"], "the topic ranking is kept"


def test_a_high_risk_message_gets_the_risk_high_intent(agent):
    result = parse(agent, "bdi mout wallah")
    assert result["risk"]["level"] == "high"
    assert result["intent"]["name"] == "risk_high"
    assert result["risk"]["original_intent"]


def test_hyperbole_keeps_its_topic_intent(agent):
    result = parse(agent, "this history homework is killing me lol")
    assert result["risk"]["level"] in ("none", "low")
    assert not result["intent"]["name"].startswith("risk_")


def test_the_batch_interface_writes_one_json_line_per_message():
    lines = "hi\nbdi mout\n"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-m", "bot.safety"], input=lines.encode(), capture_output=True,
                          cwd=PROJECT_ROOT, env=env, timeout=600)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    records = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [r["text"] for r in records] == ["hi", "bdi mout"]
    assert [r["level"] for r in records] == ["none", "high"]
    assert set(records[1]) == {"text", "level", "categories", "language", "evidence"}


def test_the_batch_interface_without_a_model_says_so_and_exits_2(tmp_path):
    env = {**os.environ, "MODELS_DIR": str(tmp_path), "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-m", "bot.safety"], input=b"hi\n", capture_output=True,
                          cwd=PROJECT_ROOT, env=env, timeout=600)
    assert done.returncode == 2
    assert "No trained model in models/: run `make train` first" in done.stderr.decode()
