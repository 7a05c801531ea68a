"""Specification of `python -m bot.content.phrase`: an editor sees which level and entries a phrase gets."""
from bot.content.phrase import main

from .helpers import FIXTURES


def test_a_caught_phrase_names_its_level_and_the_entry_with_file_and_line(capsys):
    assert main(["--root", str(FIXTURES / "clean"), "i want to kill myself"]) == 0
    out = capsys.readouterr().out
    assert '"i want to kill myself"  ->  level high' in out
    assert "caught by data/safety/lexicon/suicide.yml line 3: suicide, high" in out


def test_a_phrase_nothing_catches_says_what_to_do(capsys):
    main(["--root", str(FIXTURES / "clean"), "i like football"])
    out = capsys.readouterr().out
    assert "level none" in out and "no lexicon entry matches it. What to do:" in out


def test_a_phrase_lowered_by_a_negation_says_so(capsys):
    main(["--root", str(FIXTURES / "lexicon_broken"), "i would never kill myself"])
    assert "changed by a negation rule to low" in capsys.readouterr().out


def test_entries_that_cannot_be_compiled_are_named_not_fatal(capsys):
    assert main(["--root", str(FIXTURES / "lexicon_broken"), "jump off"]) == 0
    assert "data/safety/lexicon/suicide.yml line 30: this entry is left out" in capsys.readouterr().out
