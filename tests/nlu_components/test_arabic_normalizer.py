"""Arabic normalisation folds spelling variation and keeps what carries meaning (emoji, Arabizi digits)."""
import pytest

from bot.nlu.arabic_normalizer import normalize_text


@pytest.mark.parametrize(
    "written, normalized",
    [
        ("أنا إبن آدم", "انا ابن ادم"),          # hamza on alef folded
        ("مدرسة", "مدرسه"),                      # teh marbuta
        ("على", "علي"),                          # alef maqsura
        ("مَدْرَسَة", "مدرسه"),                    # diacritics dropped
        ("الـمـدرسة", "المدرسه"),                 # tatweel dropped
        ("خاااايفة", "خايفه"),                    # stretched letters collapsed
        ("عمري ١٢ سنة", "عمري 12 سنه"),           # Arabic-Indic digits
        ("مسؤول", "مسوول"),                       # hamza carriers
        ("ليش؟", "ليش?"),
        ("SOOOO sad", "soo sad"),
    ],
)
def test_spelling_variants_fold_to_one_form(written, normalized):
    assert normalize_text(written) == normalized


def test_emoji_are_kept_because_they_carry_meaning():
    assert normalize_text("تعبت 😭💊") == "تعبت 😭💊"


def test_arabizi_digit_letters_are_kept():
    assert normalize_text("Ana 5ayfa w bdi a7ki ma3 7ada") == "ana 5ayfa w bdi a7ki ma3 7ada"


def test_empty_text_is_empty():
    assert normalize_text("") == ""


@pytest.mark.parametrize("laughter, word", [("ههههه", "هه"), ("هاهاها", "هه"), ("خخخخ", "خخ")])
def test_laughter_becomes_one_fixed_word_and_never_a_single_letter(laughter, word):
    # A single ه would look like a prefix and match any word that starts with it (هيك، هو).
    assert normalize_text(f"بموت من الضحك {laughter}") == f"بموت من الضحك {word}"
    assert normalize_text("ها هو هيك") == "ها هو هيك"
