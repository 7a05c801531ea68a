"""Fixtures for the channel tests: the channel harness (real channels, recording handler, no model needed)."""
from __future__ import annotations

import pytest
from harness_process import HARNESS_REDIS_DB, ChannelHarness

from bot.stack import free_port


@pytest.fixture(scope="module")
def channel_harness(test_environment, redis_server, fake_graph_api, tmp_path_factory):
    env = {**test_environment, "REDIS_DB": HARNESS_REDIS_DB, "RASA_PORT": str(free_port())}
    harness = ChannelHarness(port=int(env["RASA_PORT"]), env=env,
                             log_path=tmp_path_factory.mktemp("harness") / "harness.log")
    harness.start()
    yield harness
    harness.stop()


@pytest.fixture()
def harness_redis(redis_server):
    """A client for the harness's Redis database."""
    import redis

    client = redis.Redis(host=redis_server.host, port=redis_server.port, db=int(HARNESS_REDIS_DB),
                         decode_responses=True)
    yield client
    client.close()

