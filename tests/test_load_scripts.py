"""The load and fault scripts' own logic (benchmarks/): the submissions they send are ones the
real form accepts, and their checks catch what they claim to catch."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from tracker.choices import Role
from tracker.extensions import db
from tracker.models import Inquiry, InquiryEvent, Mission, OutboxMessage

# The scripts import each other as siblings, as when run from benchmarks/.
sys.path.append(str(Path(__file__).resolve().parent.parent / "benchmarks"))
from burst import CSRF_INPUT, FORM_PATH, Burst, Outcome, key_of, payloads, percentiles
from checks import (
    Stored,
    StoredInquiry,
    answers,
    gapless_references,
    read_stored,
    stored_once,
    whole_inquiries,
)


@pytest.fixture
def app_config() -> dict[str, Any]:
    # The load client must get through the real form, CSRF included.
    return {"WTF_CSRF_ENABLED": True}


# read_stored() reads through an engine of its own.
@pytest.mark.real_commits
def test_generated_submissions_pass_the_real_form(
    client: FlaskClient, mission: Mission, database_url: str, make_user: Callable[..., Any]
) -> None:
    make_user(role=Role.MANAGER)
    submissions = payloads(40)
    # The mix the load run relies on: deadlines, phone-only journalists, Russian answers.
    assert any(s["deadline"] for s in submissions)
    assert any(not s["email"] for s in submissions)
    assert any(s["language"] == "ru" for s in submissions)
    page = client.get(FORM_PATH).get_data(as_text=True)
    token = CSRF_INPUT.search(page)
    assert token is not None

    for fields in submissions:
        response = client.post(FORM_PATH, data={**fields, "csrf_token": token.group(1)})
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        assert response.location.startswith("/status/")

    stored = read_stored(database_url)
    assert sorted(row.key for row in stored.inquiries) == list(range(1, 41))
    assert stored_once(stored, range(1, 41), []).ok
    assert all(check.ok for check in whole_inquiries(stored)), whole_inquiries(stored)
    assert all(check.ok for check in gapless_references(stored))


def test_a_post_without_the_token_is_refused(client: FlaskClient, mission: Mission) -> None:
    # Without this, the test above would pass even if the client never sent the token.
    response = client.post(FORM_PATH, data=payloads(1)[0])
    assert response.status_code != 303


@pytest.fixture
def three_inquiries(
    make_inquiry: Callable[..., Any],
    make_user: Callable[..., Any],
    database_url: str,
    real_commits: None,  # the checks read through an engine of their own
) -> list[int]:
    make_user(role=Role.MANAGER)
    return [make_inquiry(message=f"Question [load #{n}]").inquiry.id for n in (1, 2, 3)]


def verdicts(database_url: str) -> dict[str, bool]:
    stored = read_stored(database_url)
    return {c.name: c.ok for c in [*whole_inquiries(stored), *gapless_references(stored)]}


def test_checks_pass_on_whole_inquiries(three_inquiries: list[int], database_url: str) -> None:
    assert all(verdicts(database_url).values()), verdicts(database_url)


def test_checks_catch_an_inquiry_without_its_received_event(
    three_inquiries: list[int], database_url: str
) -> None:
    db.session.execute(
        delete(InquiryEvent).where(
            InquiryEvent.inquiry_id == three_inquiries[1], InquiryEvent.kind == "received"
        )
    )
    db.session.commit()
    assert not verdicts(database_url)["each inquiry has one 'received' and one 'routed' event"]


def test_checks_catch_an_inquiry_without_its_mail(
    three_inquiries: list[int], database_url: str
) -> None:
    db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.inquiry_id == three_inquiries[0], OutboxMessage.kind == "new_inquiry"
        )
    )
    db.session.commit()
    found = verdicts(database_url)
    assert not found["each inquiry has a new-inquiry notice per manager"]
    assert found["each inquiry with an email has one acknowledgement queued, the others none"]


def test_checks_catch_a_gap_in_the_references(
    three_inquiries: list[int], database_url: str
) -> None:
    middle = db.session.scalars(select(Inquiry).where(Inquiry.id == three_inquiries[1])).one()
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.inquiry_id == middle.id))
    db.session.delete(middle)
    db.session.commit()
    assert not verdicts(database_url)["references unique and gapless per mission"]


def stored_keys(*keys: int | None) -> Stored:
    rows = [StoredInquiry(n, key, "m", n, True, False) for n, key in enumerate(keys, start=1)]
    return Stored(rows, {"m": len(rows)}, managers=0)


@pytest.mark.parametrize(
    ("keys", "accepted", "unanswered", "ok"),
    [
        ((1, 2, 3), [1, 2, 3], [], True),
        ((1, 2), [1, 2, 3], [], False),  # an accepted submission is missing
        ((1, 2, 2), [1, 2], [], False),  # one submission stored twice
        ((1, 2, 3), [1, 2], [3], True),  # committed, then the answer was lost: allowed
        ((1, 2, 3), [1, 2], [], False),  # a row nobody can account for
    ],
)
def test_stored_once(
    keys: tuple[int, ...], accepted: list[int], unanswered: list[int], ok: bool
) -> None:
    assert stored_once(stored_keys(*keys), accepted, unanswered).ok is ok


def test_answers_flag_a_5xx_and_a_refusal() -> None:
    good = Burst([Outcome(1, 303, 5.0, "/status/x"), Outcome(2, 303, 7.0, "/status/y")], 1.0)
    assert all(check.ok for check in answers(good, "/status/"))
    bad = Burst([Outcome(1, 303, 5.0, "/status/x"), Outcome(2, 500, 7.0)], 1.0)
    verdict = {check.name: check.ok for check in answers(bad, "/status/")}
    assert verdict == {
        "no 5xx answer": False,
        "every submission accepted (303)": False,
        "each 303 leads to the receipt": True,
    }


def test_percentiles_and_keys() -> None:
    assert percentiles([float(n) for n in range(1, 101)]) == pytest.approx([50.5, 95.05, 99.01])
    assert percentiles([4.0]) == [4.0, 4.0, 4.0]
    assert key_of("Could you help? [load #17]") == 17
    assert key_of("no marker") is None
