"""Tools for the people who write the assistant's content (intents, responses, stories, lexicon, helplines).

- `python -m bot.content.lint`   checks the content and explains every problem in plain words (`make validate`);
- `python -m bot.content.review` writes reports/review.html for clinical sign-off (`make review`);
- `python -m bot.content.story ID` turns a stored conversation into an anonymised test story (`make story`).

docs/content-guide.md explains all three for non-programmers.
"""
