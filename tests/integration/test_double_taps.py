"""Double taps: two of the same request at the same moment, as a phone on a slow network
sends them. The database lets only one draft or one send win, and the loser never shows
an error to a child who did nothing wrong."""

from __future__ import annotations

import threading

from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.factories import make_child, make_link, make_staff
from voice_app.data import links, submissions
from voice_app.data.database import db
from voice_app.models import Submission
from voice_app.vocabulary import SubmissionStatus

ROUNDS = 10


def _twin_clients(app, token):
    """Two clients sharing one browser session, as two taps of one phone do."""
    first = FlaskClient(app, app.response_class, use_cookies=True)
    assert first.get(f"/c/{token}").status_code == 302
    second = FlaskClient(app, app.response_class, use_cookies=True)
    cookie = first.get_cookie("voice_session")
    second.set_cookie("voice_session", cookie.value, domain=cookie.domain)
    return first, second


def _at_once(clients, path, data=None):
    """Post from each client at the same moment; the responses in order."""
    barrier = threading.Barrier(len(clients))
    responses = [None] * len(clients)

    def tap(index, client):
        barrier.wait()
        responses[index] = client.post(path, data=data or {})

    threads = [threading.Thread(target=tap, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def _count(child, status):
    return db.session.scalar(
        select(func.count())
        .select_from(Submission)
        .where(Submission.child_id == child.id, Submission.status == status)
    )


def test_double_taps_of_start_and_send_make_one_submission_and_no_error(app, app_context):
    iro = make_staff()
    for _ in range(ROUNDS):
        child = make_child(iro)
        first, second = _twin_clients(app, make_link(child))

        started = _at_once([first, second], "/my-voice/start-again")
        assert [r.status_code for r in started] == [302, 302]
        db.session.rollback()
        assert _count(child, SubmissionStatus.DRAFT) == 1

        _at_once([first, second], "/my-voice/questions/home", {"choice": "4", "text": "Good"})
        db.session.rollback()
        assert _count(child, SubmissionStatus.DRAFT) == 1

        sent = _at_once([first, second], "/my-voice/send")
        assert [(r.status_code, r.headers.get("Location")) for r in sent] == [(302, "/my-voice/sent")] * 2
        db.session.rollback()
        assert (_count(child, SubmissionStatus.SENT), _count(child, SubmissionStatus.DRAFT)) == (1, 0)
        assert first.get("/my-voice/sent").status_code == 200


def test_a_savepoint_never_commits_half_a_request(app_context):
    """On SQLite a savepoint opened outside a transaction would be the transaction, and
    releasing it would commit: a request that then fails must keep nothing."""
    child = make_child(make_staff())
    link = links.find_by_token(make_link(child))
    db.session.commit()
    submissions.save_child_answer(child, link, "home", "4", "Good", "family_time")  # savepoints inside
    db.session.rollback()  # the request failed after saving
    assert _count(child, SubmissionStatus.DRAFT) == 0
