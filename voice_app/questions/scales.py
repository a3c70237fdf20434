"""Answer scales shared by every form, so the summary can lay answers side by side."""

from flask_babel import lazy_gettext as _l

from voice_app.questions.model import Option

FEELING_SCALE = (
    Option("5", _l("Really good"), "really_good"),
    Option("4", _l("Good"), "good"),
    Option("3", _l("OK"), "ok"),
    Option("2", _l("Not good"), "not_good"),
    Option("1", _l("Really bad"), "really_bad"),
)

ATTEND_OPTIONS = (
    Option("yes", _l("Yes")),
    Option("part", _l("Yes, for part of it")),
    Option("no", _l("No")),
    Option("not_sure", _l("Not sure yet")),
)

YES_NO_UNSURE = (
    Option("yes", _l("Yes")),
    Option("no", _l("No")),
    Option("not_sure", _l("Not sure")),
)
