"""Harmless phrases other helpers reported as false alarms, and the general concepts added for unseen phrasings."""
from __future__ import annotations

import pytest

from bot.safety.arabizi import skeleton

from tests.safety.conftest import HighClassifier


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


# ----- Session 6: emergency signs, exact Arabizi words, school questions, plays and pets ---------------------------
@pytest.fixture(scope="module")
def classifier_high(lexicon_data):
    from bot.safety.assessment import Assessor

    return Assessor.from_lexicon_data(lexicon_data, HighClassifier())


@pytest.mark.parametrize("text", [
    "ابوي ضربني بالحزام وهلق ما بقدر اتحرك",               # beaten, and cannot move now
    "my stepdad choked me and now i can't breathe properly",
    "baba darabni w rabatni bel 7abl",                      # beaten and tied up
])
def test_a_high_message_with_an_emergency_sign_is_imminent(lexicon_only, text):
    result = lexicon_only.assess(text)
    assert result["level"] == "imminent"
    assert "immediate_danger" in result["categories"]
    assert any(item["detector"] == "emergency" for item in result["evidence"])


def test_an_emergency_sign_also_raises_a_message_only_the_classifier_rated_high(classifier_high):
    result = classifier_high.assess("my little brother swallowed a battery and now hes choking")
    assert result["level"] == "imminent"
    assert result["categories"][-1] == "immediate_danger" and len(result["categories"]) >= 2


@pytest.mark.parametrize("text", [
    "ضحكت لدرجة ما قدرت اتنفس 😂",                         # an emergency sign alone raises nothing
    "i laughed so hard i couldn't breathe",
    "we were in the car right now singing in the traffic",
])
def test_an_emergency_sign_alone_raises_nothing(level, text):
    assert level(text) == "none"


def test_the_abuser_coming_while_the_child_is_alone_is_imminent(level):
    assert level("ابن خالتي اللي بيلمسني جاي هلق عالبيت وانا لحالي") == "imminent"


def test_being_alone_at_home_does_not_make_sadness_an_emergency(lexicon_only):
    # The "someone is here and I'm alone" sign is for abuse only.
    result = lexicon_only.assess("انا بالبيت لحالي وبدي موت")
    assert result["level"] == "high"


@pytest.mark.parametrize("text", [
    "3am nedros 3an el 7arb el ahliyye bel tarikh",   # حرب (war) is not هرب (flee)
    "ana bajra7 7ali kel ma ez3al",                    # 7ali (myself) is not hala (now): high, not imminent
])
def test_exact_arabizi_words_do_not_borrow_a_7(level, text):
    assert level(text) in ("none", "high")
    assert level(text) != "imminent"


@pytest.mark.parametrize("text", [
    "شو يعني ابتزاز الكتروني؟ عملولنا ندوة عنه بالمدرسة",
    "عندنا تمثيلية عن زواج القاصرات وأنا بمثل دور الجدة",
    "قطتي خربشتني وايدي فيها خطوط حمرا",
    "shu ya3ni sextortion? el ostaz 7aka 3anha",
])
def test_school_questions_plays_and_pets_are_not_disclosures(level, text):
    assert level(text) == "none"


def test_how_i_am_is_not_a_school_question(level):
    # "كيف" ("how are you") no longer makes a school-question idiom: the disclosure after it counts.
    assert level("ما حدا بيسألني كيف حالي وصرت فكر بالانتحار كل ليلة") == "high"


@pytest.mark.parametrize("text", [
    "my piano teacher puts his hand on my thigh and says its our little secret",
    "el coach bi7ot ido 3ala fa5di w bey2olli sirr",
])
def test_an_adults_hand_on_the_childs_leg_with_secrecy_is_high(level, text):
    assert level(text) == "high"


def test_a_parents_hand_on_the_knee_is_not_abuse(level):
    assert level("my mum put her hand on my knee and said good luck before the exam") == "none"


# ----- Session 7: concepts from blind set I's errors, tested on new phrasings ---------------------------------------
@pytest.mark.parametrize("text", [
    "bdi nam w ma2oumsh abadan",                             # one-word Arabizi "and not wake up"
    "abi anam w ma a9a7i, ta3abt",                           # Gulf a9a7a (أصحى)
    "o5ti tgool tabi tmoot",                                 # Gulf third person: y/t + abi
    "تعبت من كل شي وقررت اريحهم مني",                        # relieving the family of me
    "ma7ada ra7 yefta2edni law mt",                          # nobody would miss me if I died (Arabizi)
    "i bite my wrist till it bleeds when im stressed",
    "my stepdad pressed my hand on the hot iron because i lied",
    "خالتي حطت ايدي على النار لاني كسرت الصحن",
    "زوج امي يربطني في الكرسي لما اغلط",
    "el driver byilmis fa5di kil yom w y2olli la t2oul la 7ada",
    "ra7 ashrad mn el bait w ma7ad ra7 yla2ini",
    "عندي حبوب امي وهبلعها كلها مرة وحدة",                      # the spoken future written into the verb
    "ma3i el 7boob w bashrabhom kollhom",
    "sa7bti 2aletli el mudarreb byelmesha ba3d el tamrin",   # a friend touched by a coach (Arabizi)
    "o5ti el zghire 5atabouha la zalame ad baba",            # a little sister engaged to an older man
    "i just want to sleep وما اصحى ابدا",                      # never waking up, after an English opening
    "y a le feu dans l'immeuble w ana wa7di",                # fire, in French
])
def test_new_phrasings_of_known_risks_are_high(level, text):
    assert level(text) in ("high", "imminent"), text


@pytest.mark.parametrize("text", [
    "زوج امي طالع على الدرج ومعاه العصا، وانا مخبية",         # a carer coming now with a stick
    "my dad is coming to my room with the belt",
    "jai pris toutes les cachets de ma grand-mère",        # French overdose
    "on m'a enfermée dans le garage",
    "tuht fel mall w fi ra2el masekni men eidi w bado ya5edni",
])
def test_danger_now_is_imminent(level, text):
    assert level(text) == "imminent", text


@pytest.mark.parametrize("text", [
    "hrabt w daba kayn wa7ed kaytba3ni f zan9a",            # a message the classifier rated high + being followed
    "tl3t mn el beit w fi wa7ed la7e2ni mn sa3a",
])
def test_being_followed_makes_a_high_message_imminent(classifier_high, text):
    result = classifier_high.assess(text)
    assert result["level"] == "imminent"
    assert any(item["detector"] == "emergency" for item in result["evidence"])


@pytest.mark.parametrize("text", [
    "a guy was following me on instagram and i blocked him lol",
    "في بنت بتتابعني على التيك توك وبتعلق على كل فيديو 😂",
])
def test_being_followed_online_is_not_danger(level, text):
    assert level(text) in ("none", "low", "medium")


@pytest.mark.parametrize("text", [
    "ana ta3bana awi mn el mozakra",                       # ta3bana (tired) is not tab3ni (following me)
    "el mo3allem da5alni el fasl w 2alli a2ra",            # da5alni (let me in) is not a carer arriving
])
def test_short_arabizi_words_are_not_emergency_signs(classifier_high, text):
    assert classifier_high.assess(text)["level"] == "high"   # the stub's high, not raised to imminent


@pytest.mark.parametrize("text", [
    "استاذ الفيزياء رح يموتني بالامتحانات 😩",
    "سكرت عحالي الباب لخلص المسلسل",
    "قفلت باب اوضتي بالمفتاح عشان اذاكر بهدوء",
    "عملنا مسرحية عن ولد هرب من البيت وانا كنت الأب",
    "how do you say تحرش in english? for my vocab list",
    "بنلعب استغماية وانا متخبي تحت السرير",
    "بالروبلوكس علقت بالسجن تبع اللعبة، كيف بطلع؟",
])
def test_hyperbole_own_door_plays_words_and_games_are_not_disclosures(level, text):
    assert level(text) == "none", text


@pytest.mark.parametrize("text", [
    "قفلت باب غرفتي بالمفتاح عشان ابوي سكران ويضرب",          # locking oneself in from fear stays a risk
    "بنلعب غميضة بس بجد ابوي معصب وجاي ومعه الحزام",
])
def test_fear_switches_the_own_door_and_game_idioms_off(level, text):
    assert level(text) in ("high", "imminent"), text


@pytest.mark.parametrize("text", [
    "ابغى اهرب من تنظيف المطبخ اليوم 😩",                      # escaping a chore, not running away from home
    "نفسي اهرب من درس البيانو بكرا",
    "bghit nhreb men l7ammam dyal rmdan",
    "i just want to escape from this boring chemistry lesson lol",
    "المعلمة بتسمعلنا جدول الضرب بكرا وانا ما حفظت السبعة",   # ضرب as multiplication
    "سكرت الباب على اختي الصغيرة مقلب وفتحتلها بعد ثواني 😂",  # the child's own prank on a sibling
    "lesh fi nas bya3mlo suicide? 3anna ba7s bel falsafe",      # a research question with an English word
    "الدكتورة قالت لازم اكمل الدوا كامل حتى لو تحسنت",           # a prescribed course of medicine
])
def test_chores_times_tables_sibling_pranks_and_questions_are_not_disclosures(level, text):
    assert level(text) == "none", text


@pytest.mark.parametrize("text", [
    "بدي اهرب من البيت الليلة",                                  # home: the runaway match stands
    "ابغى اهرب من المطبخ لان ابوي يضربني فيه",                  # hit: the chore idiom is off
    "i want to escape from my stepdad, he scares me",
    "الاستاذ ضربني لاني غلطت بجدول الضرب",                      # the teacher hit the child
    "سكروا الباب على اختي بالحمام من الصبح وهي عم تبكي",
])
def test_home_family_fear_and_hitting_keep_the_risk(level, text):
    assert level(text) in ("high", "imminent"), text


def test_pills_in_hand_now_with_the_spoken_future_is_imminent(level):
    assert level("الحبوب بيدي الحين وبشربها كلها") == "imminent"


@pytest.mark.parametrize("text", [
    "ra7 yerja3 baba mn el safra ba3d shahr",                 # ra7 (will) is not rah (he is): no one arriving now
    "jra7t eidi shway w ana b2asher el batata",               # a kitchen cut in Arabizi
    "الامتحان رح يموتني والله 😩",                              # "it will kill me" is not the child dying
    "3andi presentation 3an el tanammor bokra",              # a school project in Arabizi
    "بكتب قصة عن ولد هرب من البيت وصار قبطان سفينة",           # writing a story
    "o5ti el kbire 5atabouha w kteer mabsouta",              # an adult sister's engagement
])
def test_more_everyday_messages_are_not_disclosures(level, text):
    assert level(text) in ("none", "low"), text
