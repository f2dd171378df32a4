"""The desk's services: every action's rules, milestones, clock, events and versions.

The services take the instant as an argument, so these tests pass times directly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.orm.exc import StaleDataError

from tracker.choices import ActorType, ResponseChannel, Role, Status
from tracker.extensions import db
from tracker.inquiries import (
    assignment,
    follow_ups,
    freshness,
    referral,
    responses,
    sensitivity,
    status_changes,
)
from tracker.inquiries.freshness import StaleInquiry
from tracker.inquiries.intake import Receipt
from tracker.inquiries.lifecycle import IllegalTransition
from tracker.models import Contact, Inquiry, InquiryEvent, User
from tracker.refusals import Refused

MakeInquiry = Callable[..., Receipt]
MakeUser = Callable[..., User]

RECEIVED = datetime.fromisoformat("2015-01-20T10:00:00+06:00")
HOUR = timedelta(hours=1)


def at(hours: float) -> datetime:
    """An instant ``hours`` after the inquiry came in."""
    return RECEIVED + timedelta(hours=hours)


def contact(key: str) -> Contact:
    return db.session.scalars(select(Contact).where(Contact.key == key)).one()


def events(inquiry: Inquiry, kind: str | None = None) -> list[InquiryEvent]:
    return [event for event in inquiry.events if kind is None or event.kind == kind]


@pytest.fixture
def inquiry(make_inquiry: MakeInquiry) -> Inquiry:
    """A new inquiry received during the mission, due 4 hours later."""
    return make_inquiry(received_at=RECEIVED.isoformat()).inquiry


@pytest.fixture
def officer(make_user: MakeUser) -> User:
    return make_user(name="Leila Duisekova", contact="leila-duisekova")


@pytest.fixture
def colleague(make_user: MakeUser) -> User:
    return make_user(name="Karen Blanc")


def in_progress(inquiry: Inquiry, officer: User) -> Inquiry:
    assignment.claim(inquiry, officer, at(0.5))
    status_changes.change_status(inquiry, officer, at(0.6), to=Status.IN_PROGRESS)
    db.session.commit()
    return inquiry


# --- Claiming and assigning ------------------------------------------------------------


def test_claiming_assigns_a_new_inquiry_with_an_event_and_a_new_version(
    inquiry: Inquiry, officer: User
) -> None:
    version = inquiry.version
    event = assignment.claim(inquiry, officer, at(1))
    db.session.commit()
    assert inquiry.assignee == officer
    assert inquiry.status is Status.ASSIGNED
    assert inquiry.version == version + 1
    assert (event.kind, event.summary, event.actor, event.at) == (
        "claimed",
        "Claimed",
        officer,
        at(1),
    )
    assert event.actor_type is ActorType.USER
    assert not event.public


def test_claiming_from_a_colleague_says_so_and_keeps_the_status(
    inquiry: Inquiry, officer: User, colleague: User
) -> None:
    in_progress(inquiry, colleague)
    event = assignment.claim(inquiry, officer, at(1))
    assert event.summary == "Took over from Karen Blanc"
    assert inquiry.status is Status.IN_PROGRESS


def test_claiming_twice_is_refused(inquiry: Inquiry, officer: User) -> None:
    assignment.claim(inquiry, officer, at(1))
    with pytest.raises(Refused, match="You already have this inquiry"):
        assignment.claim(inquiry, officer, at(2))


def test_assigning_and_reassigning(inquiry: Inquiry, officer: User, colleague: User) -> None:
    first = assignment.assign(inquiry, officer, at(1), to=colleague)
    second = assignment.assign(inquiry, colleague, at(2), to=officer)
    db.session.commit()
    assert first.summary == "Assigned to Karen Blanc"
    assert second.summary == "Reassigned from Karen Blanc to Leila Duisekova"
    assert (inquiry.assignee, inquiry.status) == (officer, Status.ASSIGNED)
    with pytest.raises(Refused, match="Leila Duisekova already has this inquiry") as same:
        assignment.assign(inquiry, colleague, at(3), to=officer)
    assert same.value.field == "assignee"


def test_assigning_to_a_deactivated_account_is_refused(
    inquiry: Inquiry, officer: User, make_user: MakeUser
) -> None:
    gone = make_user(name="Former Officer", active=False)
    with pytest.raises(Refused, match="Former Officer's account is deactivated"):
        assignment.assign(inquiry, officer, at(1), to=gone)
    assert inquiry.assignee is None


def test_a_finished_inquiry_is_not_assigned(inquiry: Inquiry, officer: User) -> None:
    status_changes.change_status(inquiry, officer, at(1), to=Status.SPAM)
    with pytest.raises(Refused, match="marked as spam cannot be assigned; reopen it first"):
        assignment.claim(inquiry, officer, at(2))


# --- Status and milestones -------------------------------------------------------------


def test_answering_writes_the_milestones_and_a_public_event(
    inquiry: Inquiry, officer: User
) -> None:
    in_progress(inquiry, officer)
    event = status_changes.change_status(inquiry, officer, at(2), to=Status.ANSWERED)
    assert (inquiry.answered_at, inquiry.first_response_at, inquiry.closed_at) == (
        at(2),
        at(2),
        None,
    )
    assert not inquiry.clock_running
    assert (event.kind, event.summary, event.public) == ("status", "Answered", True)
    assert event.details == {"from": "in_progress", "to": "answered"}
    status_changes.change_status(inquiry, officer, at(3), to=Status.CLOSED)
    assert (inquiry.answered_at, inquiry.closed_at) == (at(2), at(3))


@pytest.mark.parametrize(
    ("way_out", "public"),
    [(Status.DECLINED, True), (Status.SPAM, False), (Status.CLOSED, True)],
)
def test_every_way_out_writes_closed_at_and_stops_the_clock(
    inquiry: Inquiry, officer: User, way_out: Status, public: bool
) -> None:
    in_progress(inquiry, officer)
    if way_out is Status.CLOSED:
        status_changes.change_status(inquiry, officer, at(1), to=Status.AWAITING_JOURNALIST)
    event = status_changes.change_status(inquiry, officer, at(2), to=way_out)
    assert inquiry.closed_at == at(2)
    assert inquiry.answered_at is None
    assert (inquiry.clock_running, inquiry.clock_paused_at) == (False, None)
    assert event.public is public


def test_an_illegal_move_is_refused_and_changes_nothing(inquiry: Inquiry, officer: User) -> None:
    version = inquiry.version
    with pytest.raises(IllegalTransition, match=r"^A new inquiry can only be"):
        status_changes.change_status(inquiry, officer, at(1), to=Status.ANSWERED)
    db.session.commit()
    assert (inquiry.status, inquiry.answered_at, inquiry.version) == (Status.NEW, None, version)
    assert events(inquiry, "status") == []


def test_assigned_as_a_status_needs_someone(inquiry: Inquiry, officer: User) -> None:
    with pytest.raises(Refused, match="claim it or assign it"):
        status_changes.change_status(inquiry, officer, at(1), to=Status.ASSIGNED)


def test_a_duplicate_names_its_original(
    make_inquiry: MakeInquiry, inquiry: Inquiry, officer: User
) -> None:
    original = make_inquiry(subject="The same question, asked earlier").inquiry
    with pytest.raises(Refused, match="Give the reference") as missing:
        status_changes.change_status(inquiry, officer, at(1), to=Status.DUPLICATE)
    assert missing.value.field == "duplicate_of"
    with pytest.raises(Refused, match="KAZ15-0001 cannot be the original of KAZ15-0001"):
        status_changes.change_status(
            inquiry, officer, at(1), to=Status.DUPLICATE, duplicate_of=inquiry
        )
    event = status_changes.change_status(
        inquiry, officer, at(1), to=Status.DUPLICATE, duplicate_of=original
    )
    db.session.commit()
    assert inquiry.duplicate_of == original
    assert inquiry.closed_at == at(1)
    assert event.summary == "Merged with another of your inquiries"
    assert event.details["duplicate_of"] == "KAZ15-0002"
    with pytest.raises(Refused, match="KAZ15-0001 cannot be the original of KAZ15-0002"):
        status_changes.change_status(
            original, officer, at(2), to=Status.DUPLICATE, duplicate_of=inquiry
        )


def test_reopening_clears_closed_and_goes_back_to_the_assignee(
    make_inquiry: MakeInquiry, inquiry: Inquiry, officer: User
) -> None:
    original = make_inquiry().inquiry
    in_progress(inquiry, officer)
    status_changes.change_status(
        inquiry, officer, at(1), to=Status.DUPLICATE, duplicate_of=original
    )
    event = status_changes.reopen(inquiry, officer, at(2))
    assert (inquiry.status, inquiry.closed_at, inquiry.duplicate_of) == (
        Status.IN_PROGRESS,
        None,
        None,
    )
    assert (event.kind, event.summary, event.public) == ("reopened", "Reopened", True)


def test_an_unassigned_inquiry_reopens_into_the_queue_with_its_clock_running(
    inquiry: Inquiry, officer: User
) -> None:
    status_changes.change_status(inquiry, officer, at(1), to=Status.SPAM)
    assert not inquiry.clock_running
    status_changes.reopen(inquiry, officer, at(2))
    assert inquiry.status is Status.NEW
    assert inquiry.clock_running
    assert inquiry.due_at == at(4)


def test_reopening_an_answered_inquiry_keeps_the_first_answer(
    inquiry: Inquiry, officer: User
) -> None:
    in_progress(inquiry, officer)
    status_changes.change_status(inquiry, officer, at(2), to=Status.ANSWERED)
    status_changes.change_status(inquiry, officer, at(3), to=Status.IN_PROGRESS)  # a reopen
    status_changes.change_status(inquiry, officer, at(5), to=Status.ANSWERED)
    assert (inquiry.answered_at, inquiry.first_response_at) == (at(2), at(2))
    assert not inquiry.clock_running
    assert [event.kind for event in events(inquiry)][-3:] == ["status", "reopened", "status"]


def test_an_open_inquiry_cannot_be_reopened(inquiry: Inquiry, officer: User) -> None:
    with pytest.raises(IllegalTransition, match=r"^A new inquiry is still open: there is nothing"):
        status_changes.reopen(inquiry, officer, at(1))


# --- Notes and responses ---------------------------------------------------------------


def test_a_note_is_internal_and_makes_no_page_stale(inquiry: Inquiry, officer: User) -> None:
    version = inquiry.version
    event = responses.add_note(inquiry, officer, at(1), text="Check her outlet with Astana.")
    db.session.commit()
    assert (event.kind, event.public, event.details) == (
        "note",
        False,
        {"text": "Check her outlet with Astana."},
    )
    assert inquiry.version == version


def test_the_first_response_stops_the_clock_and_puts_the_inquiry_in_progress(
    inquiry: Inquiry, officer: User
) -> None:
    event = responses.log_response(
        inquiry, officer, at(1), channel=ResponseChannel.PHONE, said="Offered Friday 10:00."
    )
    assert inquiry.first_response_at == at(1)
    assert (inquiry.clock_running, inquiry.clock_paused_at) == (False, None)
    # Whoever answers has taken it on.
    assert (inquiry.status, inquiry.assignee) == (Status.IN_PROGRESS, officer)
    assert [e.kind for e in events(inquiry)][-2:] == ["claimed", "response"]
    assert (event.summary, event.public) == ("Responded by phone", True)
    assert event.details == {"channel": "phone", "text": "Offered Friday 10:00.", "first": True}
    later = responses.log_response(
        inquiry, officer, at(3), channel=ResponseChannel.EMAIL, said="Sent the press release."
    )
    assert inquiry.first_response_at == at(1)
    assert later.details["first"] is False


def test_a_closed_inquiry_takes_no_response(inquiry: Inquiry, officer: User) -> None:
    status_changes.change_status(inquiry, officer, at(1), to=Status.DECLINED)
    with pytest.raises(Refused, match="A declined inquiry takes no response") as refused:
        responses.log_response(inquiry, officer, at(2), channel=ResponseChannel.EMAIL, said="Hi")
    assert refused.value.field == "said"


def test_awaiting_the_journalist_pauses_the_clock_and_resuming_moves_due_at(
    inquiry: Inquiry, officer: User
) -> None:
    in_progress(inquiry, officer)
    assert inquiry.due_at == at(4)
    status_changes.change_status(inquiry, officer, at(1), to=Status.AWAITING_JOURNALIST)
    assert (inquiry.clock_running, inquiry.clock_paused_at) == (False, at(1))
    status_changes.change_status(inquiry, officer, at(3.5), to=Status.IN_PROGRESS)
    assert (inquiry.clock_running, inquiry.clock_paused_at) == (True, None)
    assert inquiry.due_at == at(4) + timedelta(hours=2.5)


def test_a_response_while_paused_stops_the_clock_for_good(inquiry: Inquiry, officer: User) -> None:
    in_progress(inquiry, officer)
    status_changes.change_status(inquiry, officer, at(1), to=Status.AWAITING_JOURNALIST)
    responses.log_response(inquiry, officer, at(2), channel=ResponseChannel.EMAIL, said="Reminder")
    status_changes.change_status(inquiry, officer, at(3), to=Status.IN_PROGRESS)
    assert (inquiry.clock_running, inquiry.clock_paused_at, inquiry.due_at) == (False, None, at(4))


# --- Follow-ups -----------------------------------------------------------------------


def test_follow_up_due_is_the_earliest_one_still_to_do(inquiry: Inquiry, officer: User) -> None:
    late = follow_ups.schedule_follow_up(inquiry, officer, at(1), due_at=at(48), what="Send report")
    early = follow_ups.schedule_follow_up(inquiry, officer, at(1), due_at=at(24), what="Call back")
    db.session.commit()
    assert inquiry.follow_up_due_at == at(24)
    event = follow_ups.complete_follow_up(inquiry, officer, at(25), follow_up=early)
    db.session.commit()
    assert (early.done_at, early.done_by) == (at(25), officer)
    assert inquiry.follow_up_due_at == at(48)
    assert (event.kind, event.summary, event.public) == (
        "follow_up_done",
        "Follow-up done: Call back",
        False,
    )
    follow_ups.complete_follow_up(inquiry, officer, at(49), follow_up=late)
    assert inquiry.follow_up_due_at is None


def test_follow_ups_make_no_page_stale(inquiry: Inquiry, officer: User) -> None:
    version = inquiry.version
    planned = []
    for hours in (48, 24):
        planned.append(
            follow_ups.schedule_follow_up(inquiry, officer, at(1), due_at=at(hours), what="Call")
        )
        db.session.commit()
    follow_ups.complete_follow_up(inquiry, officer, at(2), follow_up=planned[1])
    db.session.commit()
    db.session.expire_all()
    assert inquiry.version == version
    assert inquiry.follow_up_due_at == at(48)


def test_a_follow_up_is_ticked_off_once(
    inquiry: Inquiry, officer: User, colleague: User, make_inquiry: MakeInquiry
) -> None:
    follow_up = follow_ups.schedule_follow_up(inquiry, officer, at(1), due_at=at(2), what="Call")
    follow_ups.complete_follow_up(inquiry, colleague, at(3), follow_up=follow_up)
    with pytest.raises(Refused, match="already ticked off by Karen Blanc"):
        follow_ups.complete_follow_up(inquiry, officer, at(4), follow_up=follow_up)
    other = make_inquiry().inquiry
    with pytest.raises(Refused, match="belongs to another inquiry"):
        follow_ups.complete_follow_up(other, officer, at(4), follow_up=follow_up)


def test_a_follow_up_in_the_past_is_refused(inquiry: Inquiry, officer: User) -> None:
    with pytest.raises(Refused, match="Choose a time after now"):
        follow_ups.schedule_follow_up(inquiry, officer, at(2), due_at=at(1), what="Too late")


# --- Referral and safety ---------------------------------------------------------------


def test_referring_passes_it_to_another_contact(inquiry: Inquiry, officer: User) -> None:
    assert inquiry.routed_contact == contact("leila-duisekova")
    media_unit = contact("xabier-celaya")
    event = referral.refer(
        inquiry, officer, at(1), to=media_unit, note="About the SR on torture, not ours."
    )
    assert inquiry.routed_contact == media_unit
    assert inquiry.routing_reason == "referred by Leila Duisekova → Xabier Celaya"
    assert (inquiry.status, inquiry.closed_at) == (Status.REFERRED, at(1))
    assert (event.kind, event.summary, event.public) == (
        "referred",
        "Passed on to another office",
        True,
    )
    assert event.details == {
        "contact": "Xabier Celaya",
        "previous_contact": "Leila Duisekova",
        "text": "About the SR on torture, not ours.",
    }
    with pytest.raises(IllegalTransition, match="already “Referred”"):
        referral.refer(inquiry, officer, at(2), to=contact("karen-blanc"), note="Again")


def test_referring_to_the_same_contact_is_refused(inquiry: Inquiry, officer: User) -> None:
    with pytest.raises(Refused, match="It is already with Leila Duisekova"):
        referral.refer(inquiry, officer, at(1), to=contact("leila-duisekova"), note="?")


def test_only_those_who_see_a_sensitive_identity_may_hand_it_on_or_lift_the_mark(
    inquiry: Inquiry, officer: User, colleague: User, make_user: MakeUser
) -> None:
    assignment.claim(inquiry, officer, at(1))
    event = sensitivity.set_sensitive(inquiry, officer, at(2), sensitive=True)
    assert (event.summary, event.public, inquiry.sensitive) == (
        "Marked sensitive: identity hidden",
        False,
        True,
    )
    for attempt in (
        lambda: assignment.claim(inquiry, colleague, at(3)),
        lambda: assignment.assign(inquiry, colleague, at(3), to=colleague),
    ):
        with pytest.raises(Refused, match="Only its assignee or a manager can pass on"):
            attempt()
    with pytest.raises(Refused, match="Only its assignee or a manager can lift"):
        sensitivity.set_sensitive(inquiry, colleague, at(3), sensitive=False)
    manager = make_user(role=Role.MANAGER, name="Head of Media")
    assignment.assign(inquiry, manager, at(4), to=colleague)
    sensitivity.set_sensitive(inquiry, colleague, at(5), sensitive=False)
    assert not inquiry.sensitive


def test_viewing_an_identity_is_recorded_without_a_new_version(
    inquiry: Inquiry, officer: User
) -> None:
    version = inquiry.version
    event = sensitivity.record_identity_view(inquiry, officer, at(1))
    db.session.commit()
    assert (event.kind, event.actor, event.public) == ("identity_viewed", officer, False)
    assert inquiry.version == version


def test_public_events_name_no_officer_and_repeat_no_internal_text(
    make_inquiry: MakeInquiry, inquiry: Inquiry, officer: User, colleague: User
) -> None:
    assignment.assign(inquiry, colleague, at(0.5), to=officer)
    responses.add_note(inquiry, officer, at(1), text="Known troublemaker? Check.")
    responses.log_response(inquiry, officer, at(1), channel=ResponseChannel.EMAIL, said="Details")
    status_changes.change_status(inquiry, officer, at(2), to=Status.AWAITING_SIGN_OFF)
    status_changes.change_status(inquiry, officer, at(3), to=Status.ANSWERED)
    status_changes.change_status(inquiry, officer, at(4), to=Status.CLOSED)
    status_changes.reopen(inquiry, officer, at(5))
    referral.refer(inquiry, officer, at(6), to=contact("karen-blanc"), note="For Geneva")
    db.session.commit()
    public = [event.summary for event in events(inquiry) if event.public]
    assert public == [
        "Inquiry received (web form)",
        "Responded by email",
        "Answered",
        "Closed",
        "Reopened",
        "Passed on to another office",
    ]
    secrets = ("Leila", "Karen", "troublemaker", "Details", "Geneva", "sign-off")
    assert not [summary for summary in public if any(word in summary for word in secrets)]


# --- Freshness ------------------------------------------------------------------------


def test_a_stale_version_is_refused_naming_who_changed_it_and_when(
    inquiry: Inquiry, officer: User, colleague: User
) -> None:
    opened = inquiry.version
    freshness.ensure_fresh(inquiry, opened)
    assignment.claim(inquiry, colleague, at(1))
    responses.add_note(inquiry, officer, at(2), text="A note changes nothing")
    db.session.commit()
    with pytest.raises(StaleInquiry) as stale:
        freshness.ensure_fresh(inquiry, opened)
    assert (stale.value.changed_by, stale.value.changed_at) == ("Karen Blanc", at(1))
    assert stale.value.message("Asia/Almaty") == (
        "Changed by Karen Blanc at Tue 20 Jan 2015, 11:00 (Asia/Almaty, UTC+6) since you opened it."
    )
    assert str(stale.value) == (
        "Changed by Karen Blanc at Tue 20 Jan 2015, 05:00 (UTC) since you opened it."
    )


# The colleague commits on a connection of their own.
@pytest.mark.real_commits
def test_a_concurrent_commit_surfaces_as_stale_data(
    inquiry: Inquiry, officer: User, colleague: User
) -> None:
    """Both pass ensure_fresh; the colleague's commit lands first; ours matches no row."""
    freshness.ensure_fresh(inquiry, inquiry.version)
    with db.engine.begin() as other:
        other.execute(
            update(Inquiry).where(Inquiry.id == inquiry.id).values(version=Inquiry.version + 1)
        )
        other.execute(
            insert(InquiryEvent).values(
                inquiry_id=inquiry.id,
                at=at(1),
                actor_type=ActorType.USER,
                actor_user_id=colleague.id,
                kind="status",
                public=False,
                summary="Status changed to in progress",
                details={},
            )
        )
    # The UPDATE goes out at the service's autoflush or at the commit, whichever comes first.
    with pytest.raises(StaleDataError):
        assignment.claim(inquiry, officer, at(2))
        db.session.commit()
    db.session.rollback()
    stale = freshness.stale_error(inquiry)
    assert (stale.changed_by, stale.changed_at) == ("Karen Blanc", at(1))
    assert inquiry.assignee is None
