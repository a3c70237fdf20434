"""The base of every form a person fills in: whatever is posted (a file, a JSON body, NUL
bytes), a field holds text or nothing before its own filters and validators see it."""

import re

from flask import request
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import SelectMultipleField

# No keyboard types these, and PostgreSQL refuses NUL; line breaks and tabs stay.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _text_only(value):
    """A field's value as text without control characters; a file, or anything else that is
    not text, is nothing at all."""
    return _CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else None


def _texts_only(values):
    if isinstance(values, list) and all(isinstance(value, str) for value in values):
        return [_CONTROL_CHARACTERS.sub("", value) for value in values]
    return None


class TextOnlyForm(FlaskForm):
    """A form whose fields only ever hold text (or a list of texts, for a multiple
    choice) before their own filters and validators see them, whatever was posted. Filters
    run after a field converts its input, so a number or date field would need leaving out."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            first = _texts_only if issubclass(unbound_field.field_class, SelectMultipleField) else _text_only
            filters = [first, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, **{**options, "filters": filters})

        def wrap_formdata(self, form, formdata):
            # Flask-WTF would also read a JSON body, whose values need not be text nor even
            # come in pairs. No page sends one: read only what a page's form posted.
            if not isinstance(formdata, MultiDict) and formdata is not None and request.is_json:
                formdata = request.form
            return super().wrap_formdata(form, formdata)


def form_errors(form: FlaskForm, radios: tuple[str, ...] = ()) -> dict[str, str]:
    """Each field's first error, for the page and its error summary. A radio group's error
    is filed under its first radio's id (`name-0`), where the summary's link must land."""
    errors = {name: messages[0] for name, messages in form.errors.items() if name != "csrf_token"}
    for name in radios:
        if name in errors:
            errors[f"{name}-0"] = errors.pop(name)
    return errors
