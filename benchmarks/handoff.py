"""Handoff latency on a real stack: child message -> ticket in the queue; claim; reply.

`make bench-handoff` (python -m benchmarks.handoff [--messages 20] [--concurrency 1]) starts Redis, the action
server, the Rasa server (newest model) and the console on free ports with a throw-away Redis directory, like the
integration tests, then for each of N synthetic high-risk messages measures:
  queue   from the child's POST to /webhooks/rest/webhook until the ticket shows in the console's GET /api/queue
          (target: p95 < 1 s)
  webhook the REST round trip itself (NLU, risk assessment, safety message, ticket, pause)
  claim   POST /api/tickets/{id}/claim (atomic claim + "a counsellor has joined" through Rasa's API)
  reply   POST /api/tickets/{id}/reply (a counsellor message recorded and delivered through Rasa's API)
and prints a table of p50/p95/max in milliseconds.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from bot.settings import PROJECT_ROOT, Settings
from bot.stack import Stack, default_environment, free_port

MESSAGES = [
    "my stepdad hits me every night and i want to die",
    "أبي يضربني كل ليلة وأنا أريد أن أموت",
    "i want to kill myself, nobody cares about me",
    "بدي موت، ما حدا بيحبني",
]
PASSWORD = "benchmark-pass-phrase"
TARGET_QUEUE_P95_MS = 1000


class Console:
    """A logged-in console client (cookie + CSRF token)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.csrf = ""

    def call(self, method: str, path: str, body: Any = None) -> Tuple[int, Dict[str, Any]]:
        request = urllib.request.Request(self.base_url + path, method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json", "X-CSRF-Token": self.csrf})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def login(self, username: str) -> None:
        status, body = self.call("POST", "/api/login", {"username": username, "password": PASSWORD})
        if status != 200:
            raise RuntimeError(f"login failed: {body}")
        self.csrf = body["csrf_token"]


def post_child_message(rasa_url: str, sender: str, text: str) -> List[Dict[str, Any]]:
    request = urllib.request.Request(f"{rasa_url}/webhooks/rest/webhook", method="POST",
                                     data=json.dumps({"sender": sender, "message": text}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def one_handoff(rasa_url: str, console: Console, index: int) -> Dict[str, float]:
    """Send one high-risk message; time it into the queue, then claim and reply."""
    sender = f"bench-{index}-{secrets.token_hex(4)}"
    webhook_ms: List[float] = []
    started = time.perf_counter()

    def post() -> None:
        post_child_message(rasa_url, sender, MESSAGES[index % len(MESSAGES)])
        webhook_ms.append((time.perf_counter() - started) * 1000)

    thread = threading.Thread(target=post)
    thread.start()
    ticket: Optional[Dict[str, Any]] = None
    while ticket is None:
        if time.perf_counter() - started > 60:
            raise RuntimeError(f"message {index} never reached the queue")
        status, body = console.call("GET", "/api/queue")
        ticket = next((t for t in body.get("tickets", []) if t["conversation_id"] == sender), None)
        if ticket is None:
            time.sleep(0.01)
    queue_ms = (time.perf_counter() - started) * 1000
    thread.join()

    t0 = time.perf_counter()
    status, body = console.call("POST", f"/api/tickets/{ticket['ticket_id']}/claim", {})
    claim_ms = (time.perf_counter() - t0) * 1000
    if status != 200:
        raise RuntimeError(f"claim failed: {body}")
    t0 = time.perf_counter()
    status, body = console.call("POST", f"/api/tickets/{ticket['ticket_id']}/reply",
                                {"text": "Hi, I'm a counsellor. Are you safe right now?"})
    reply_ms = (time.perf_counter() - t0) * 1000
    if status != 200:
        raise RuntimeError(f"reply failed: {body}")
    return {"queue": queue_ms, "webhook": webhook_ms[0], "claim": claim_ms, "reply": reply_ms}


def percentile(values: List[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(fraction * (len(ordered) - 1)))))
    return ordered[index]


def print_table(results: List[Dict[str, float]], concurrency: int) -> bool:
    print(f"\nHandoff latency, {len(results)} high-risk messages, concurrency {concurrency} (milliseconds)")
    print(f"{'measure':<34}{'p50':>8}{'p95':>8}{'max':>8}")
    labels = {"queue": "child POST -> ticket in /api/queue", "webhook": "REST webhook round trip",
              "claim": "claim (POST .../claim)", "reply": "reply (POST .../reply)"}
    for key, label in labels.items():
        values = [r[key] for r in results]
        print(f"{label:<34}{statistics.median(values):>8.0f}{percentile(values, 0.95):>8.0f}{max(values):>8.0f}")
    p95 = percentile([r["queue"] for r in results], 0.95)
    met = p95 < TARGET_QUEUE_P95_MS
    print(f"\nTarget: ticket visible within {TARGET_QUEUE_P95_MS} ms at p95: {'met' if met else 'MISSED'} "
          f"({p95:.0f} ms)")
    return met


def run(messages: int, concurrency: int, strict: bool) -> int:
    from bot.training import newest_model

    model = newest_model(PROJECT_ROOT / "models")
    if model is None:
        print("No trained model in models/: run `make train`.", file=sys.stderr)
        return 2
    env = default_environment(Settings.from_environment())
    ports = {name: str(free_port()) for name in ("REDIS_PORT", "RASA_PORT", "ACTION_PORT", "CONSOLE_PORT")}
    env.update(ports)
    env.update({"REDIS_HOST": "127.0.0.1", "REDIS_DB": "0", "LOG_LEVEL": "WARNING",
                "ACTION_SERVER_URL": f"http://localhost:{ports['ACTION_PORT']}/webhook",
                "RASA_URL": f"http://localhost:{ports['RASA_PORT']}"})
    with tempfile.TemporaryDirectory(prefix="bench-handoff-") as directory:
        stack = Stack(env=env, log_dir=Path(directory) / "logs")
        try:
            print("Starting Redis, action server, Rasa server and console on free ports ...", flush=True)
            stack.start_redis(Path(directory) / "redis")
            stack.start_action_server()
            stack.start_rasa(model)
            stack.start_console()
            subprocess.run([sys.executable, "-m", "bot.console", "add-user", "bench", "--role", "counsellor"],
                           input=PASSWORD + "\n", env=env, cwd=PROJECT_ROOT, check=True, capture_output=True,
                           text=True)
            console = Console(stack.urls["Counsellor console"])
            console.login("bench")
            rasa_url = stack.urls["Rasa server"]
            one_handoff(rasa_url, console, -1)  # warm-up: first-message model and connection costs
            with ThreadPoolExecutor(max_workers=concurrency) as pool:
                results = list(pool.map(lambda i: one_handoff(rasa_url, console, i), range(messages)))
        except Exception:
            for log in sorted((Path(directory) / "logs").glob("*.log")):
                print(f"----- {log.name} (last lines) -----", file=sys.stderr)
                print("\n".join(log.read_text(errors="replace").splitlines()[-30:]), file=sys.stderr)
            raise
        finally:
            stack.stop()
    met = print_table(results, concurrency)
    return 1 if strict and not met else 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--strict", action="store_true", help="exit 1 when the p95 target is missed")
    args = parser.parse_args(argv)
    return run(args.messages, args.concurrency, args.strict)


if __name__ == "__main__":
    sys.exit(main())
