"""Harmless phrases other helpers reported as false alarms, and the general concepts added for unseen phrasings."""
from __future__ import annotations

import pytest

from bot.safety.arabizi import skeleton


def test_a_written_th_is_not_the_t7_of_ente7ar():
    assert skeleton("enthar") != skeleton("ente7ar")
    assert skeleton("ente7ar") == skeleton("intihar")


@pytest.mark.parametrize("text", [
    "el ostaz 3atana enthar 3ashan ta25irna",      # إنذار: a school warning, not suicide
    "الأستاذ يعاقبنا لما ننسى الواجب",                # punishing alone is not hitting
    "قلبي يعورني من الخوف قبل الامتحان",              # an ache, not someone hurting the child
    "baba w mama 3amlin 5ena2 kbir 3ala el flous",   # خناقة: a family row, not choking
])
def test_reported_harmless_phrases_stay_below_high(level, text):
    assert level(text) in ("none", "low", "medium")


@pytest.mark.parametrize("text", [
    "ابوي يضربني بالعصا",
    "abouya ye5ne2ni",
])
def test_a_carer_hitting_or_choking_is_still_high(level, text):
    assert level(text) in ("high", "imminent")


def test_a_threat_that_nobody_will_believe_the_child_is_a_disclosure(level):
    assert level("جاري قالي إذا خبرتي أمك ما راح تصدقك") == "high"


def test_the_online_stranger_waiting_outside_is_imminent(level):
    assert level("الرجال اللي اعرفه من سناب واقف تحت العماره وينتظرني") == "imminent"


def test_pills_in_hand_with_giving_up_is_imminent(level):
    assert level("الحبوب بيدي وخلاص ما عاد فيني") == "imminent"


def test_a_film_about_running_away_is_not_a_plan(level):
    assert level("شفت فيلم عن ولد هرب من البيت وصار لاعب كورة") in ("none", "low")


@pytest.mark.parametrize("text", [
    "انجرحت اصبعي وانا بقطع الخيار للسلطة",        # an accident while cooking is not self-harm
    "امي قالتلي يكفي العب بلايستيشن وروح نام",      # يكفي (enough) is not كف (a slap)
    "el 7ar barcha lyoum, ma n9derch nokhroj",      # 7ar (heat) is not 7ari2 (fire)
])
def test_everyday_words_that_look_like_risk_words_stay_below_high(level, text):
    assert level(text) in ("none", "low", "medium"), text


@pytest.mark.parametrize("text, expected", [
    ("جرحت يدي بالموس عمدا", "high"),
    ("ابوي يكفني كل يوم", "high"),
    ("lpatron dda lpassport dyali w ma bghach yred lia", "high"),
    ("fi 7ari2 bel bet w ana 5ayfe", "imminent"),
])
def test_the_narrowed_words_still_catch_real_risk(level, text, expected):
    assert level(text) == expected, text


@pytest.mark.parametrize("text", [
    "ma bdi shi, shukran",          # ما بدي شي: I don't want anything (a3ish, to live, had the same skeleton)
    "el beit 7elo ktir",            # البيت حلو: the house is nice (bayt = ba2ta3 + 7alo)
    "el ba7r 7elo el yom",          # البحر حلو: the sea is nice (ba7r = ba7ra2)
])
def test_everyday_arabizi_that_shared_a_skeleton_with_risk_words_stays_low(level, text):
    assert level(text) in ("none", "low"), text


@pytest.mark.parametrize("text", ["ma bdi a3ish", "bdi ba2ta3 7ali", "ba7ra2 7ali bel wala3a"])
def test_risk_words_written_with_3_or_2_still_match(level, text):
    assert level(text) in ("high", "imminent"), text


@pytest.mark.parametrize("text", [
    "هلق أخدت شي عشرين حبة من دوا إمي",      # a hedged number of pills already taken
    "a5adt 20 7aba mn dwa mama",              # Arabizi: the number is written in digits
    "el dam mesh bey2af w ana lwa7di",         # Arabizi: the bleeding will not stop
    "the bleeding wont stop",
    "m3aya sekkeena w ha5alas 3ala nafsi elnaharda",  # Egyptian: I'll finish myself off today, knife at hand
])
def test_an_attempt_under_way_is_imminent(level, text):
    assert level(text) == "imminent", text


@pytest.mark.parametrize("text", [
    "my nose is bleeding and it wont stop",    # first aid, not a crisis
    "a5adt 7aba panadol 3ashan rasi",          # one painkiller for a headache
    "5alast el wajib w ana mabsout",            # finished my homework
])
def test_first_aid_and_a_single_pill_are_not_attempts(level, text):
    assert level(text) not in ("high", "imminent"), text
