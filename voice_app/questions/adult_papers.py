"""Consultation papers for parents, carers and professionals.

Every paper asks the core topics on the same 5-point scale as the child's, so the IRO's
summary lays them side by side, then the questions of each role. "%(name)s" is the child's
first name."""

from flask_babel import lazy_gettext as _l

from voice_app.questions.model import Form, Kind, Question, Topic
from voice_app.questions.scales import ATTEND_OPTIONS, FEELING_SCALE, YES_NO_UNSURE

COMMENTS = _l("Comments (optional)")


def _core(key: str, topic: Topic, title, short_title) -> Question:
    return Question(
        key=key,
        kind=Kind.SCALE,
        title=title,
        options=FEELING_SCALE,
        topic=topic,
        more_label=COMMENTS,
        short_title=short_title,
    )


CORE_TOPICS = (
    _core("home", Topic.HOME, _l("How are things where %(name)s lives?"), _l("Home")),
    _core("family_time", Topic.FAMILY_TIME, _l("How is %(name)s's family time going?"), _l("Family time")),
    _core("school", Topic.SCHOOL, _l("How is school or college going for %(name)s?"), _l("School")),
    _core("health", Topic.HEALTH, _l("How are %(name)s's health and feelings?"), _l("Health and feelings")),
    _core(
        "friends",
        Topic.FRIENDS,
        _l("How are %(name)s's friendships and activities?"),
        _l("Friends and activities"),
    ),
    _core("safety", Topic.SAFETY, _l("How safe do you think %(name)s is?"), _l("Safety")),
)


def _text(key: str, title, short_title, hint=None, concern=False, request=False) -> Question:
    return Question(
        key, Kind.TEXT, title, hint=hint, short_title=short_title, is_concern=concern, is_request=request
    )


def _attend(title) -> Question:
    return Question(
        "attend",
        Kind.CHOICE,
        title,
        options=ATTEND_OPTIONS,
        short_title=_l("Coming to the meeting"),
        more_label=_l("Anything we should know, for example times you cannot do (optional)"),
        is_request=True,
    )


PARENT = Form(
    key="parent",
    version=1,
    audience="parent",
    min_age=0,
    max_age=18,
    questions=CORE_TOPICS
    + (
        _text("going_well", _l("What is going well for %(name)s?"), _l("Going well")),
        _text("worries", _l("What worries you?"), _l("Worries"), concern=True),
        _text("want_from_review", _l("What do you want from this review?"), _l("Wants from the review")),
        _text(
            "contact",
            _l("How are the family time arrangements working for you?"),
            _l("Family time arrangements"),
            hint=_l("For example how often, where, and what you would change."),
        ),
        _attend(_l("Will you come to the review meeting?")),
        Question(
            "support",
            Kind.CHOICE,
            _l("Do you need an interpreter or any other support to take part?"),
            options=YES_NO_UNSURE,
            more_label=_l("What would help? (optional)"),
            short_title=_l("Interpreter or support"),
            is_request=True,
        ),
    ),
)

CARER = Form(
    key="carer",
    version=1,
    audience="carer",
    min_age=0,
    max_age=18,
    questions=CORE_TOPICS
    + (
        Question(
            "placement",
            Kind.SCALE,
            _l("How settled is %(name)s's placement?"),
            options=FEELING_SCALE,
            more_label=COMMENTS,
            short_title=_l("Placement stability"),
        ),
        _text(
            "health_notes",
            _l("Tell us about %(name)s's health"),
            _l("Health"),
            hint=_l("Appointments, needs, and anything that has changed."),
        ),
        _text(
            "education_notes",
            _l("How are %(name)s's education and activities going?"),
            _l("Education and activities"),
        ),
        _text("family_time_notes", _l("How is family time going from your side?"), _l("Family time")),
        _text("worries", _l("Is anything worrying you about %(name)s?"), _l("Concerns"), concern=True),
        _text(
            "support_needed",
            _l("What support do you need as %(name)s's carer?"),
            _l("Support the carer needs"),
            request=True,
        ),
        Question(
            "advocate",
            Kind.CHOICE,
            _l("Do you think %(name)s needs an advocate?"),
            options=YES_NO_UNSURE,
            more_label=COMMENTS,
            short_title=_l("Advocate for the child"),
            is_request=True,
        ),
        _attend(_l("Will you come to the review meeting?")),
    ),
)

PROFESSIONAL = Form(
    key="professional",
    version=1,
    audience="professional",
    min_age=0,
    max_age=18,
    questions=CORE_TOPICS
    + (
        _attend(_l("Will you come to the review meeting?")),
        _text("progress", _l("What progress has %(name)s made since the last review?"), _l("Progress")),
        _text("concerns", _l("Do you have any concerns?"), _l("Concerns"), concern=True),
        _text("recommendations", _l("What do you recommend for %(name)s's plan?"), _l("Recommendations")),
    ),
)

PAPERS_BY_ROLE = {"parent": PARENT, "carer": CARER, "professional": PROFESSIONAL}
