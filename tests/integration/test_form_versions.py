"""A submission is always read through the form version it was answered in, and a new one
is asked the newest version."""

from __future__ import annotations

import dataclasses

import pytest

from tests.factories import make_child, make_link, make_review, make_sent_submission, make_staff
from tests.integration.test_child_journey import open_link
from tests.integration.test_iro import sign_in
from voice_app import questions
from voice_app.data import submissions
from voice_app.questions import form_for


@pytest.fixture
def second_version(monkeypatch):
    """Version 2 of the children's form asks about home in new words."""
    first = form_for("child", 10)
    home = first.question("home")
    reworded = dataclasses.replace(home, title="Where you live: how is it?", short_title="Where they live")
    second = dataclasses.replace(
        first, version=2, questions=tuple(reworded if q.key == "home" else q for q in first.questions)
    )
    monkeypatch.setitem(questions.FORMS, (first.key, 2), second)
    return first, second


def test_the_summary_reads_an_old_submission_through_its_own_version(client, second_version):
    first, _second = second_version
    iro = make_staff()
    child = make_child(iro)
    review = make_review(child)
    old = make_sent_submission(child, review, {"home": ("4", "Fine")})
    assert (old.form_key, old.form_version) == (first.key, 1)

    sign_in(client, iro)
    page = client.get(f"/staff/reviews/{review.id}").soup.get_text()
    assert "Home" in page and "Where they live" not in page


def test_a_new_draft_is_asked_the_newest_version_and_keeps_it(client, second_version):
    _first, second = second_version
    child = make_child(make_staff())
    open_link(client, make_link(child))
    page = client.get("/my-voice/questions/home")
    assert page.soup.h1.get_text(strip=True) == "Where you live: how is it?"
    client.post("/my-voice/questions/home", data={"choice": "4"})
    draft = submissions.child_draft(child)
    assert (draft.form_key, draft.form_version) == (second.key, 2)
