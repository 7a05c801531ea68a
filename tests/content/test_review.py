"""Specification of `make review`: one self-contained page with everything a clinician signs off."""
import re

from bot.content.lint import check_content
from bot.content.model import Content
from bot.content.review import build_page, main

from .helpers import FIXTURES


def _page():
    content = Content.load(FIXTURES / "clean")
    return build_page(content, check_content(content))


def test_the_page_needs_nothing_but_itself():
    page = _page()
    assert "<script" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page.replace('href="https://example.org/aman"', ""))
    assert "<style>" in page


def test_responses_are_side_by_side_per_age_group_with_arabic_cells_right_to_left():
    page = _page()
    assert 'id="r-utter_safety_message"' in page
    for age_group in ("(under_10)", "(10_13)", "(14_17)", "(18_plus)", "Any age (age unknown)"):
        assert age_group in page
    assert '<td dir="rtl" lang="ar" class="ar">' in page and "سأجد لك شخصاً يساعدك" in page


def test_each_response_shows_the_intents_rules_and_stories_that_lead_to_it():
    page = _page()
    start = page.index('id="r-utter_safety_message"')
    block = page[start:page.index("</section>", start)]
    assert '<span class="chip">risk_high</span>' in block
    assert "high risk gets the safety message and a counsellor" in block and "greet then high risk" in block


def test_the_lexicon_helplines_and_a_sign_off_box_are_on_the_page():
    page = _page()
    assert "kill myself" in page and 'class="level high"' in page
    assert "https://example.org/aman" in page and ">919<" in page
    assert "Clinical sign-off" in page and "Signature" in page


def test_the_command_writes_the_page(tmp_path, capsys):
    out = tmp_path / "review.html"
    assert main(["--root", str(FIXTURES / "clean"), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "review page written" in capsys.readouterr().out
