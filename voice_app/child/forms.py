"""The child's own forms (the question pages are drawn from the forms as data instead)."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from voice_app.forms import TextOnlyForm
from voice_app.questions.child_message import CHILD_MESSAGE
from voice_app.questions.parsing import clean_text

MESSAGE_LIMIT = 1000


class TellMyIroForm(TextOnlyForm):
    message = TextAreaField(
        _l("What do you want your IRO to know? (you do not have to write anything)"),
        filters=[clean_text],
        validators=[
            Optional(),
            Length(
                max=MESSAGE_LIMIT,
                message=_l("Your message is a bit too long. Make it shorter, then send it."),
            ),
        ],
    )


class MessageForm(TextOnlyForm):
    """A message to the IRO at any time (the choices are the message form's, as data)."""

    about = RadioField(
        _l("What is your message about?"),
        choices=[SelectChoice(value=o.value, label=o.label) for o in CHILD_MESSAGE.questions[0].options],
        validators=[InputRequired(_l("Choose what your message is about"))],
    )
    message = TextAreaField(
        _l("Your message"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Write your message, then send it")),
            Length(
                max=MESSAGE_LIMIT,
                message=_l("Your message is a bit too long. Make it shorter, then send it."),
            ),
        ],
    )
