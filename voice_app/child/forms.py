"""The child's own forms (the question pages are drawn from the forms as data instead)."""

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from voice_app.forms import TextOnlyForm
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
