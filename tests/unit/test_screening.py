"""Words that may mean danger in a child's free-text answer: whole words, simple variants,
phrases across spaces, any language mixed with English, and the shipped lists themselves."""

from __future__ import annotations

import time

import pytest

from voice_app import screening
from voice_app.screening import WordList, WordListError, load_word_lists, possible_concerns


def english(text: str) -> list[str]:
    return possible_concerns(text, "en")


def custom(text: str, list_text: str, language: str = "en") -> list[str]:
    return possible_concerns(text, language, {language: WordList.parse(list_text, language)})


# --- The issue's own example and whole words ----------------------------------------------


def test_the_issues_example_raises_not_safe_and_hit():
    found = english("I am not safe at home. My carer's boyfriend hits me when she is out.")
    assert found[:2] == ["not safe", "hit"]


def test_hit_at_cricket_matches_too():
    # Accepted on purpose: "hit" alone is how children say it, and a false alarm is closed by
    # the IRO as "not a concern" in a moment, while a missed disclosure waits for the review.
    assert english("I hit the ball at cricket") == ["hit"]


@pytest.mark.parametrize("text", ["white", "this", "shirt", "kitchen", "whit", "thistle", "Saturday chips"])
def test_words_inside_other_words_match_nothing(text):
    assert english(text) == []


def test_an_ordinary_answer_raises_nothing():
    answer = (
        "I like my school and my foster carer is kind. I want to see my brother more and keep "
        "in touch with my nan. On Saturdays I play football and touch rugby, and I am scared of "
        "the dark but my carer leaves the landing light on."
    )
    assert english(answer) == []


# --- Variants ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("he keeps hitting me", "hit"),
        ("my arm hurts", "hurt"),
        ("he touched me", "touch"),
        ("stop touching me", "touch"),
        ("she stabbed him", "stab"),
        ("I was bruised all over", "bruise"),
        ("he is bruising my arms", "bruise"),
        ("he punches the wall", "punch"),
        ("I ran away last week", "ran away"),
        ("I keep running away", "run away"),
        ("I want to runaway", "run away"),
        ("they were grooming me", "groom"),
        ("he beat me up", "beat"),
        ("I got beaten", "beaten"),
        ("she burnt my hand", "burnt"),
        ("she burned my hand", "burn"),
        ("I feel like dying, I want to die", "want to die"),
        ("I've been self-harming", "self harm"),
        ("selfharm", "self harm"),
        ("they asked me for pics", "ask me for pic"),
        ("he was asking for photos", "ask for photo"),
    ],
)
def test_endings_doubling_and_dropped_e_match(text, entry):
    assert entry in english(text)


def test_a_phrase_matches_across_spaces_and_a_line_break():
    assert english("I am scared to\n   go    home") == ["scared to go home"]


def test_a_phrase_matches_across_hyphens_dots_and_no_space_at_all():
    assert english("kill-myself") == ["kill myself"]
    assert english("I want to kill... myself") == ["kill myself"]
    assert english("killmyself") == ["kill myself"]


def test_a_phrase_does_not_cross_a_sentence():
    assert english("No. Food is great here") == []
    assert english("Is it not? Safe, I think") == []


def test_straight_curly_and_missing_apostrophes_are_the_same():
    for text in ("I don't want to go home", "I don\u2019t want to go home", "I dont want to go home"):
        assert english(text) == ["don't want to go home"]


def test_other_spellings_of_an_entry_are_shown_as_the_entry():
    assert english("I do not want to go home") == ["don't want to go home"]
    assert english("gonna kill my self") == ["kill myself"]
    assert english("kms") == ["kill myself"]


def test_case_and_letters_typed_many_times_do_not_matter():
    assert english("KILL MYSELF") == ["kill myself"]
    assert english("im so scaaared to go hooome") == ["scared to go home"]
    assert english("\uff28\uff49\uff54") == ["hit"]  # full-width letters, from some phone keyboards


def test_a_longer_phrase_wins_over_a_word_inside_it():
    assert english("I hurt myself and he hurt me") == ["hurt myself", "hurt"]


def test_each_entry_is_returned_once_in_order_of_first_appearance():
    text = "He hits me. I want to run away. He hit me again and I ran away, then he hit me."
    assert english(text) == ["hit", "run away", "ran away"]


# --- Empty input -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t", None])
def test_nothing_written_finds_nothing(text):
    assert possible_concerns(text) == []


# --- Languages -----------------------------------------------------------------------------


def test_english_is_always_checked_alongside_welsh():
    assert possible_concerns("Dw i ddim yn saff. He hits me", "cy") == ["ddim yn saff", "hit"]


def test_welsh_matches_mutated_forms_and_apostrophes():
    assert possible_concerns("Mae e'n fy nharo i", "cy") == ["taro fi"]
    assert possible_concerns("dw i ddim yn teimlon saff", "cy") == ["ddim yn saff"]


def test_a_region_falls_back_to_its_language_and_an_unknown_language_to_english():
    assert possible_concerns("eisiau marw", "cy-GB") == ["eisiau marw"]
    assert possible_concerns("I want to die", "xx") == ["want to die"]
    assert possible_concerns("I want to die", None) == ["want to die"]
    assert possible_concerns("eisiau marw", "xx") == []


def test_polish_matches_without_diacritics_and_in_either_word_order():
    assert possible_concerns("chce sie zabic", "pl") == ["zabiję się"]
    assert possible_concerns("Tata mnie bije", "pl") == ["bije mnie"]
    assert possible_concerns("SAMOBÓJSTWO", "pl") == ["samobój"]
    assert possible_concerns("uciekł mi autobus", "pl") == []  # "I missed the bus", not running away


def test_arabic_matches_joined_words_and_hamza_or_vowel_marks_either_way():
    assert possible_concerns("وضربني أبي", "ar") == ["ضربني"]
    assert possible_concerns("سأقتل نفسي", "ar") == ["قتل نفسي"]
    assert possible_concerns("أنا لستُ بأمانٍ", "ar") == ["لست بأمان"]
    assert possible_concerns("ضربة حرة في كرة القدم", "ar") == []  # a free kick


# --- The list syntax -------------------------------------------------------------------------


def test_an_exact_word_takes_no_endings():
    assert custom("he touched me", "=touch") == []
    assert custom("touch", "=touch") == ["touch"]


def test_a_star_lets_a_word_go_on_or_take_letters_in_front():
    assert custom("samobójczy", "samobój*", "pl") == ["samobój"]
    assert custom("andhit", "*hit", "xx") == ["hit"]
    assert custom("hitting", "hit", "xx") == []  # endings are for English only


def test_a_not_a_concern_phrase_hides_only_what_lies_inside_it():
    wordlist = "touch\n!in touch"
    assert custom("keep in touch with my nan", wordlist) == []
    assert custom("he touched me, then said keep in touch", wordlist) == ["touch"]
    # Matched exactly, with no endings: "in touch" never hides "in touching".
    assert custom("he is interested in touching me", wordlist) == ["touch"]


def test_comments_and_blank_lines_are_ignored():
    assert custom("hit", "# physical harm\n\n   \nhit\n# the end") == ["hit"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("hit, punch", "punctuation"),
        ("hi*t", "not a word"),
        ("ab*", "at least 3 letters"),
        ("=hit*", "exact"),
        ("hit | | punch", "empty spelling"),
        ("(hit)", "not a letter"),
        ("'", "not a word"),
        ("!", "empty spelling"),
    ],
)
def test_a_bad_line_is_refused_with_its_line_number(line, message):
    with pytest.raises(WordListError, match=message) as error:
        WordList.parse(f"# notes\n{line}\n", "en", "en.txt")
    assert "en.txt line 2" in str(error.value)


def test_spellings_that_add_nothing_are_reported():
    wordlist = WordList.parse("hit\ntouch\nhits\nhit\nkill myself | kill my self\n", "en")
    problems = wordlist.problems()
    assert any("line 3: 'hits' is already matched by 'hit'" in problem for problem in problems)
    assert any("line 4" in problem and "also on line 1" in problem for problem in problems)
    assert len(problems) == 2  # the second spelling of "kill myself" covers more, so it is fine


# --- Folders -------------------------------------------------------------------------------


def test_a_councils_folder_replaces_the_shipped_list_for_that_language_only(tmp_path):
    (tmp_path / "en.txt").write_text("# our own list\nbadger\n", encoding="utf-8")
    lists = load_word_lists(tmp_path)
    assert possible_concerns("a badger, and he hits me", "en", lists) == ["badger"]
    assert possible_concerns("eisiau marw", "cy", lists) == ["eisiau marw"]  # shipped Welsh kept
    assert load_word_lists()["en"].entries != lists["en"].entries  # the shipped lists are unchanged


def test_a_councils_folder_can_add_a_language_and_switch_one_off(tmp_path):
    (tmp_path / "ro.txt").write_text("\ufeffmă bate\n", encoding="utf-8")  # as Notepad saves it
    (tmp_path / "pl.txt").write_text("# not used here\n", encoding="utf-8")
    lists = load_word_lists(tmp_path)
    assert possible_concerns("Tata mă bate. He hit me", "ro", lists) == ["mă bate", "hit"]
    assert possible_concerns("chcę umrzeć", "pl", lists) == []


def test_a_missing_folder_is_an_error_not_a_silent_empty_list(tmp_path):
    with pytest.raises(WordListError, match="no folder"):
        load_word_lists(tmp_path / "missing")


def test_the_shipped_folder_given_by_name_is_the_shipped_lists():
    assert load_word_lists(screening.DEFAULT_FOLDER) == load_word_lists()


# --- The shipped lists -------------------------------------------------------------------------


def test_every_shipped_list_parses_compiles_and_has_no_duplicates():
    files = sorted(screening.DEFAULT_FOLDER.glob("*.txt"))
    assert [path.stem for path in files] == ["ar", "cy", "en", "pl"]
    for path in files:
        wordlist = WordList.parse(path.read_text(encoding="utf-8"), path.stem, path.name)
        assert wordlist.entries, path.name
        assert wordlist.problems() == [], path.name
        labels = [entry.label for entry in wordlist.entries]
        assert len(labels) == len(set(labels)), path.name
        # Every entry finds itself as written.
        for entry in wordlist.entries:
            plain = " ".join(word.text for word in entry.spellings[0])
            assert possible_concerns(plain, path.stem, {path.stem: wordlist}) == [entry.label], entry


def test_every_translated_list_asks_for_a_native_speakers_review():
    for path in screening.DEFAULT_FOLDER.glob("*.txt"):
        if path.stem != "en":
            head = path.read_text(encoding="utf-8").splitlines()[:3]
            assert any("NATIVE" in line and "MUST REVIEW" in line for line in head), path.name


# --- Speed ---------------------------------------------------------------------------------


def test_screening_a_long_answer_is_quick():
    lists = load_word_lists()
    sentence = "I like my school and my foster carer is kind. We went to the beach on Saturday. "
    answer = (sentence * 70)[:4900] + " He hits me."
    assert len(answer) > 4_900
    for language in ("en", "cy", "pl", "ar"):
        possible_concerns(answer, language, lists)  # warm up
        runs = 200
        start = time.perf_counter()
        for _ in range(runs):
            found = possible_concerns(answer, language, lists)
        per_answer = (time.perf_counter() - start) / runs * 1000
        print(f"screening {len(answer)} characters ({language} and English): {per_answer:.2f} ms")
        assert found == ["hit"]


def test_text_made_to_be_slow_is_still_screened():
    # Long runs of one letter, separators and dots must not make the expression backtrack
    # for ever (it would hold up saving the child's answer).
    for text in ("a" * 5000, "kill" + "l" * 5000, "not" + "." * 5000 + "x", "kill" + " - . .." * 800):
        start = time.perf_counter()
        possible_concerns(text, "en")
        print(f"screening {len(text)} awkward characters: {(time.perf_counter() - start) * 1000:.2f} ms")


def test_no_council_folder_setting_means_the_shipped_lists():
    assert load_word_lists("") == load_word_lists(None) == load_word_lists()
