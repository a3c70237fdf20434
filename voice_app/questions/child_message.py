"""A message a child can send their IRO at any time, besides the review form: good news,
a problem to sort out, or getting ready for their meeting. Kept as a form like the others,
so it is stored, screened and read back the same way."""

from flask_babel import lazy_gettext as _l

from voice_app.questions.model import Form, Kind, Option, Question

MESSAGE_AUDIENCE = "child-message"

CHILD_MESSAGE = Form(
    key="child-message",
    version=1,
    audience=MESSAGE_AUDIENCE,
    min_age=0,
    max_age=17,
    questions=(
        Question(
            "about",
            Kind.CHOICE,
            _l("What is your message about?"),
            options=(
                Option("good_news", _l("Some good news")),
                Option("problem", _l("A problem I want sorted out")),
                Option("meeting", _l("Getting ready for my meeting")),
                Option("something_else", _l("Something else")),
            ),
            short_title=_l("About"),
        ),
        Question("message", Kind.TEXT, _l("Your message"), short_title=_l("Message"), is_request=True),
    ),
)
