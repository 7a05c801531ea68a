"""Command line of the counsellor console.

  python -m bot.console serve [--host 127.0.0.1] [--port 8080]
  python -m bot.console add-user NAME --role counsellor|supervisor [--display-name "Mona"]
      reads the password from stdin (the first line), e.g.  printf '%s\n' "$PASSWORD" | python -m bot.console ...
      or asks for it twice when stdin is a terminal. Running it again for an existing user resets the password
      and ends that user's sessions.
"""
from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
from typing import List, Optional

from bot.settings import Settings, async_redis_client


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise SystemExit("The passwords differ; nothing changed.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


async def _add_user(name: str, role: str, display_name: str, password: str) -> str:
    from bot.console.auth import SessionStore, UserStore

    settings = Settings.from_environment()
    redis = async_redis_client(settings)
    try:
        user = await UserStore(redis).add(name, password, role, display_name)
        await SessionStore(redis, settings.console_secret, 1, 1).delete_all_for(user.name)
        return f"{user.role} {user.name} ({user.display_name}) saved"
    finally:
        await redis.close()


def serve(host: str, port: int) -> None:
    from bot.console.app import create_app

    settings = Settings.from_environment()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app()
    app.run(host=host, port=port, access_log=False, motd=False, workers=1)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.console", description="The counsellor console.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the console web server")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=Settings.from_environment().console_port)
    add = commands.add_parser("add-user", help="create a console account, or reset its password (stdin)")
    add.add_argument("name")
    add.add_argument("--role", choices=("counsellor", "supervisor"), required=True)
    add.add_argument("--display-name", default="", help="the name children see (default: the user name)")
    args = parser.parse_args(argv)

    if args.command == "serve":
        serve(args.host, args.port)
        return 0
    from bot.console.auth import AccountError

    password = _read_password()
    try:
        print(asyncio.run(_add_user(args.name, args.role, args.display_name, password)))
    except AccountError as error:
        print(f"Not saved: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
