"""The children's consultation for ages 8 to 12: one question a page, every one optional.

Wording is plain (reading age about 8), asks rather than leads, and never promises secrecy."""

from flask_babel import lazy_gettext as _l

from voice_app.questions.model import Form, Kind, Option, Question, Topic
from voice_app.questions.scales import FEELING_SCALE

TELL_ME_MORE = _l("Tell me more (you do not have to)")


def _scale(key: str, topic: Topic, title, short_title, hint=None) -> Question:
    return Question(
        key=key,
        kind=Kind.SCALE,
        title=title,
        hint=hint,
        options=FEELING_SCALE,
        topic=topic,
        more_label=TELL_ME_MORE,
        short_title=short_title,
    )


CHILD_8_12 = Form(
    key="child-8-12",
    version=1,
    audience="child",
    # Written for 8 to 12, and asked of every child until the 4-7 and 13+ bands are
    # written: form_for needs exactly one child form for every age from 0 to 17.
    min_age=0,
    max_age=17,
    questions=(
        _scale("home", Topic.HOME, _l("How are things where you live?"), _l("Home")),
        _scale(
            "family_time",
            Topic.FAMILY_TIME,
            _l("How is time with your family?"),
            _l("Family time"),
            hint=_l("This means seeing or talking to people in your family you do not live with."),
        ),
        _scale("school", Topic.SCHOOL, _l("How is school?"), _l("School")),
        _scale(
            "health",
            Topic.HEALTH,
            _l("How are you feeling?"),
            _l("Health and feelings"),
            hint=_l("Think about your body and your feelings."),
        ),
        _scale(
            "friends",
            Topic.FRIENDS,
            _l("How are things with friends and things you like doing?"),
            _l("Friends and activities"),
        ),
        Question("going_well", Kind.TEXT, _l("What is going well for you?"), short_title=_l("Going well")),
        Question(
            "worries",
            Kind.TEXT,
            _l("Is anything worrying you?"),
            hint=_l("If you are not safe now, call Childline on 0800 1111 or 999."),
            short_title=_l("Worries"),
            is_concern=True,
        ),
        Question(
            "change", Kind.TEXT, _l("What would you like to change?"), short_title=_l("Wants to change")
        ),
        Question(
            "attend",
            Kind.CHOICE,
            _l("Do you want to come to your meeting?"),
            options=(
                Option("yes", _l("Yes")),
                Option("part", _l("Yes, for part of it")),
                Option("no", _l("No")),
                Option("not_sure", _l("I am not sure yet")),
            ),
            short_title=_l("Come to the meeting"),
            is_request=True,
        ),
        Question(
            "who",
            Kind.TEXT,
            _l("Who would you like to be at your meeting?"),
            hint=_l("You can also tell us who you do not want there."),
            short_title=_l("Who they want there"),
            is_request=True,
        ),
        Question(
            "advocate",
            Kind.CHOICE,
            _l("Would you like an advocate to help you?"),
            hint=_l(
                "An advocate is someone on your side. They help you say what you want "
                "and make sure people listen."
            ),
            options=(
                Option("yes", _l("Yes, please")),
                Option("no", _l("No, thank you")),
                Option("not_sure", _l("I am not sure. Tell me more")),
            ),
            short_title=_l("Advocate"),
            is_request=True,
        ),
        Question(
            "anything_else",
            Kind.TEXT,
            _l("Is there anything else you want to tell your IRO?"),
            short_title=_l("Anything else"),
        ),
    ),
)

# How safe a child feels, asked kindly and without leading. "No" or "not sure" raises an
# urgent alert as soon as the page is saved: the child's IRO, or someone on duty, reads it
# the same day. The child is told so on the next page, and never promised secrecy.
SAFE_ANSWERS = (
    Option("yes", _l("Yes")),
    Option("not_sure", _l("I am not sure")),
    Option("no", _l("No")),
)
NOT_SAFE = ("not_sure", "no")


def _safe(key: str, title, short_title, hint=None, topic: Topic | None = None) -> Question:
    return Question(
        key=key,
        kind=Kind.CHOICE,
        title=title,
        hint=hint,
        options=SAFE_ANSWERS,
        topic=topic,
        more_label=TELL_ME_MORE,
        short_title=short_title,
        is_concern=topic is None,  # the first sits with everyone's safety views in the table
        alert_on=NOT_SAFE,
    )


SAFETY_QUESTIONS = (
    _safe(
        "safe_home",
        _l("Do you feel safe where you live?"),
        _l("Feels safe where they live"),
        topic=Topic.SAFETY,
    ),
    _safe("safe_school", _l("Do you feel safe at school?"), _l("Feels safe at school")),
    _safe(
        "safe_online",
        _l("Do you feel safe online?"),
        _l("Feels safe online"),
        hint=_l("For example on your phone, in games or on social media."),
    ),
)

# Version 2 asks whether the child feels safe, after the five topics (version 1 is kept:
# what was answered in it is read back through it).
_TOPICS = tuple(q for q in CHILD_8_12.questions if q.topic is not None)
_REST = tuple(q for q in CHILD_8_12.questions if q.topic is None)
CHILD_8_12_V2 = Form(
    key=CHILD_8_12.key,
    version=2,
    audience=CHILD_8_12.audience,
    min_age=CHILD_8_12.min_age,
    max_age=CHILD_8_12.max_age,
    questions=_TOPICS + SAFETY_QUESTIONS + _REST,
)
