"""The children's form is well formed, and the runner reads answers safely."""

import pytest
from werkzeug.datastructures import MultiDict

from voice_app.questions import FORMS, Kind, Topic, form_for
from voice_app.questions.parsing import MAX_TEXT_LENGTH, parse_answer

FORM = form_for("child", 10)
FIRST_VERSION = FORMS[("child-8-12", 1)]


def test_the_first_version_asked_the_issue_questions_in_order():
    assert [q.key for q in FIRST_VERSION.questions] == [
        "home",
        "family_time",
        "school",
        "health",
        "friends",
        "going_well",
        "worries",
        "change",
        "attend",
        "who",
        "advocate",
        "anything_else",
    ]


def test_the_second_version_asks_if_the_child_feels_safe_after_the_five_topics():
    first = [q.key for q in FIRST_VERSION.questions]
    assert [q.key for q in FORM.questions] == [
        *first[:5],
        "safe_home",
        "safe_school",
        "safe_online",
        *first[5:],
    ]
    assert FORM.version == 2


def test_not_feeling_safe_or_not_being_sure_raises_an_alert_and_safety_sits_beside_the_adults():
    safety = [q for q in FORM.questions if q.key.startswith("safe_")]
    for question in safety:
        assert question.kind == Kind.CHOICE and question.more_label
        assert [o.value for o in question.options] == ["yes", "not_sure", "no"]
        assert set(question.alert_on) == {"no", "not_sure"}
    assert FORM.question("safe_home").topic == Topic.SAFETY
    assert {q.topic for q in FORM.topic_questions} == set(Topic)


def test_every_core_topic_is_a_five_point_scale_with_faces_and_words():
    # In the first version safety was asked of adults only; the child's safety question
    # waited for the alert that must go with it (a child who says they are unsafe needs
    # help at once, not at the review). Its five topics are scales with faces and words.
    assert {q.topic for q in FIRST_VERSION.topic_questions} == set(Topic) - {Topic.SAFETY}
    for question in (q for q in FORM.topic_questions if q.topic != Topic.SAFETY):
        assert question.kind == Kind.SCALE
        assert len(question.options) == 5
        assert all(option.face and str(option.label) for option in question.options)
        assert question.more_label


def test_keys_are_unique_in_every_form():
    for form in FORMS.values():
        keys = [q.key for q in form.questions]
        assert len(keys) == len(set(keys))


def test_requests_are_attendance_who_and_advocate():
    assert [q.key for q in FORM.request_questions] == ["attend", "who", "advocate"]


def test_navigation_between_questions():
    assert FORM.next_after("home").key == "family_time"
    assert FORM.next_after("anything_else") is None
    assert FORM.before("home") is None
    assert FORM.before("school").key == "family_time"


def test_scale_answer_reads_choice_and_words(app):
    with app.test_request_context():
        parsed = parse_answer(
            FORM.question("home"), MultiDict({"choice": "4", "text": "  I like it\r\nhere  "})
        )
    assert parsed.errors == {}
    assert (parsed.choice, parsed.text) == ("4", "I like it\nhere")


def test_empty_answer_is_a_skip(app):
    with app.test_request_context():
        parsed = parse_answer(FORM.question("home"), MultiDict({"text": "   "}))
    assert parsed.is_empty and parsed.errors == {}


def test_unknown_choice_is_refused(app):
    with app.test_request_context():
        parsed = parse_answer(FORM.question("attend"), MultiDict({"choice": "maybe"}))
    assert "choice" in parsed.errors
    assert parsed.choice is None


def test_too_long_text_is_refused_kindly(app):
    with app.test_request_context():
        parsed = parse_answer(FORM.question("worries"), MultiDict({"text": "a" * (MAX_TEXT_LENGTH + 1)}))
    assert "shorter than 5,000 characters" in parsed.errors["text"]


def test_control_characters_are_dropped(app):
    with app.test_request_context():
        parsed = parse_answer(FORM.question("worries"), MultiDict({"text": "hi\x00 there\x07"}))
    assert parsed.text == "hi there"


def test_every_age_from_0_to_17_has_exactly_one_childrens_form():
    from voice_app.questions import current_forms

    for age in range(18):
        matching = [f for f in current_forms() if f.audience == "child" and f.min_age <= age <= f.max_age]
        assert len(matching) == 1, age
        assert form_for("child", age) is matching[0]


def test_forms_are_found_by_key_and_version_and_an_unknown_one_says_so():
    from voice_app.questions import UnknownForm, get_form

    assert get_form("child-8-12", 1) is FIRST_VERSION and get_form("child-8-12", 2) is FORM
    with pytest.raises(UnknownForm):
        get_form("child-8-12", 99)
    with pytest.raises(UnknownForm):
        form_for("child", 30)  # no child's form is written for an adult
