"""The counsellor console: login, live queue, conversations, replies, case notes, supervision.

`python -m bot.console serve --port 8080` runs it (bot.stack does this in `make run`);
`python -m bot.console add-user NAME --role counsellor|supervisor` creates an account (password on stdin).
See docs/counsellor-guide.md for how counsellors use it and bot/console/app.py for the API.
"""
