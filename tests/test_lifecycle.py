"""The status lifecycle and the response clock: pure rules, tested without the app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from tracker.choices import OPEN_STATUSES, Status
from tracker.inquiries import lifecycle, response_clock
from tracker.inquiries.lifecycle import IllegalTransition, check_transition

S = Status

# The happy path of DESIGN.md, each step a legal move.
HAPPY_PATHS = [
    [S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.ANSWERED, S.CLOSED],
    [S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.AWAITING_SIGN_OFF, S.ANSWERED, S.CLOSED],
    [S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.AWAITING_JOURNALIST, S.ANSWERED, S.CLOSED],
    [S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.AWAITING_JOURNALIST, S.IN_PROGRESS, S.ANSWERED],
    [S.IN_PROGRESS, S.AWAITING_SIGN_OFF, S.IN_PROGRESS, S.AWAITING_SIGN_OFF, S.ANSWERED],
]


@pytest.mark.parametrize("path", HAPPY_PATHS)
def test_the_designed_paths_are_allowed(path: list[Status]) -> None:
    for current, target in pairwise(path):
        check_transition(current, target)


@pytest.mark.parametrize("way_out", [S.DECLINED, S.SPAM, S.DUPLICATE, S.REFERRED])
@pytest.mark.parametrize("current", [S.NEW, S.ASSIGNED, S.IN_PROGRESS])
def test_an_inquiry_in_hand_can_leave_by_the_other_ways_out(
    current: Status, way_out: Status
) -> None:
    check_transition(current, way_out)


@pytest.mark.parametrize("finished", sorted(lifecycle.FINISHED))
def test_everything_finished_can_be_reopened(finished: Status) -> None:
    assert lifecycle.can_reopen(finished)
    for target in lifecycle.REOPEN_TARGETS:
        check_transition(finished, target)
        assert lifecycle.is_reopen(finished, target)


@pytest.mark.parametrize("current", sorted(OPEN_STATUSES))
def test_an_open_inquiry_is_not_reopened(current: Status) -> None:
    assert not lifecycle.can_reopen(current)
    assert not lifecycle.is_reopen(current, S.IN_PROGRESS)


def test_reopen_goes_back_to_the_assignee_or_to_the_queue() -> None:
    assert lifecycle.reopen_target(has_assignee=True) is S.IN_PROGRESS
    assert lifecycle.reopen_target(has_assignee=False) is S.NEW


@pytest.mark.parametrize(
    ("current", "target", "reason"),
    [
        (S.ANSWERED, S.DECLINED, "An answered inquiry can only be closed or reopened."),
        (S.ANSWERED, S.AWAITING_JOURNALIST, "An answered inquiry can only be closed or reopened."),
        (S.CLOSED, S.ANSWERED, "A closed inquiry can only be reopened."),
        (S.SPAM, S.CLOSED, "An inquiry marked as spam can only be reopened."),
        (
            S.NEW,
            S.ANSWERED,
            "A new inquiry can only be assigned, put in progress, declined, marked as spam, "
            "marked as a duplicate or referred. Log the response first: that puts it in progress.",
        ),
        (
            S.AWAITING_SIGN_OFF,
            S.CLOSED,
            "An inquiry awaiting sign-off can only be put in progress, marked answered or "
            "declined.",
        ),
        (
            S.AWAITING_JOURNALIST,
            S.SPAM,
            "An inquiry awaiting the journalist's reply can only be put in progress, marked "
            "answered, closed or declined.",
        ),
        (S.IN_PROGRESS, S.NEW, None),
    ],
)
def test_an_illegal_move_is_refused_with_a_reason_a_person_understands(
    current: Status, target: Status, reason: str | None
) -> None:
    with pytest.raises(IllegalTransition) as refused:
        check_transition(current, target)
    if reason is not None:
        assert str(refused.value) == reason
    assert str(refused.value).startswith(lifecycle.DESCRIBED[current])


def test_moving_to_the_same_status_is_refused() -> None:
    with pytest.raises(IllegalTransition, match="already “In progress”"):
        check_transition(S.IN_PROGRESS, S.IN_PROGRESS)


def test_every_status_has_its_words_and_its_moves() -> None:
    for status in Status:
        assert status in lifecycle.FORWARD
        assert status in lifecycle.DESCRIBED
        assert status in lifecycle.VERBS
        assert status not in lifecycle.FORWARD[status]


def test_finished_statuses_move_forward_only_from_answered_to_closed() -> None:
    forward = {status: lifecycle.FORWARD[status] for status in lifecycle.FINISHED}
    assert forward.pop(S.ANSWERED) == (S.CLOSED,)
    assert all(targets == () for targets in forward.values())


def test_the_status_menu_offers_neither_assigning_nor_reopening() -> None:
    assert lifecycle.menu(S.NEW) == (S.IN_PROGRESS, S.DECLINED, S.SPAM, S.DUPLICATE, S.REFERRED)
    assert lifecycle.menu(S.ANSWERED) == (S.CLOSED,)
    assert lifecycle.menu(S.CLOSED) == ()
    for status in Status:
        assert set(lifecycle.menu(status)) <= set(lifecycle.allowed_targets(status))


def test_the_ways_out_write_closed_at_but_answered_does_not() -> None:
    assert {S.CLOSED, S.DECLINED, S.SPAM, S.DUPLICATE, S.REFERRED} == lifecycle.CLOSING
    assert S.ANSWERED not in lifecycle.CLOSING
    assert {*lifecycle.CLOSING, S.ANSWERED} == lifecycle.FINISHED


# --- The response clock ---------------------------------------------------------------

NINE = datetime(2015, 1, 20, 3, 0, tzinfo=UTC)  # 09:00 in Astana
DUE = NINE + timedelta(hours=4)


def test_pausing_remembers_when_and_stops_the_clock_running() -> None:
    paused = response_clock.pause(response_clock.ClockState(DUE), NINE + timedelta(hours=1))
    assert paused == response_clock.ClockState(
        DUE, running=False, paused_at=NINE + timedelta(hours=1)
    )


def test_resuming_moves_the_due_time_later_by_the_time_paused() -> None:
    paused = response_clock.pause(response_clock.ClockState(DUE), NINE + timedelta(hours=1))
    resumed = response_clock.resume(paused, NINE + timedelta(hours=3, minutes=30))
    assert resumed == response_clock.ClockState(DUE + timedelta(hours=2, minutes=30), running=True)


def test_pausing_twice_keeps_the_first_pause() -> None:
    once = response_clock.pause(response_clock.ClockState(DUE), NINE)
    assert response_clock.pause(once, NINE + timedelta(hours=2)) == once


def test_a_stopped_clock_neither_pauses_nor_resumes() -> None:
    stopped = response_clock.stop(response_clock.ClockState(DUE))
    assert stopped == response_clock.ClockState(DUE, running=False, paused_at=None)
    assert response_clock.pause(stopped, NINE) == stopped
    assert response_clock.resume(stopped, NINE) == stopped


def test_stopping_a_paused_clock_forgets_the_pause() -> None:
    paused = response_clock.pause(response_clock.ClockState(DUE), NINE)
    assert response_clock.stop(paused) == response_clock.ClockState(DUE, running=False)


def test_a_restarted_clock_keeps_its_due_time() -> None:
    assert response_clock.restart(
        response_clock.stop(response_clock.ClockState(DUE))
    ) == response_clock.ClockState(DUE)


@pytest.mark.parametrize(
    ("span", "words"),
    [
        (timedelta(seconds=20), "less than a minute"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(minutes=45), "45 minutes"),
        (timedelta(hours=2), "2 hours"),
        (timedelta(hours=2, minutes=5), "2 hours 5 minutes"),
        (timedelta(days=1, hours=3, minutes=10), "1 day 3 hours"),
        (timedelta(days=2, minutes=5), "2 days"),
        (-timedelta(hours=1), "1 hour"),
    ],
)
def test_durations_in_words(span: timedelta, words: str) -> None:
    assert response_clock.duration_words(span) == words


def test_time_left_says_overdue_in_words() -> None:
    assert response_clock.time_left_words(DUE, DUE - timedelta(hours=3)) == "3 hours left"
    assert response_clock.time_left_words(DUE, DUE + timedelta(hours=2)) == "Overdue by 2 hours"
    assert response_clock.time_left_words(DUE, DUE) == "Overdue by less than a minute"


def test_the_clock_described_for_the_page() -> None:
    running = response_clock.ClockState(DUE)
    assert response_clock.describe(running, DUE + timedelta(hours=2), None) == "Overdue by 2 hours"
    paused = response_clock.pause(running, DUE - timedelta(hours=1))
    assert response_clock.describe(paused, DUE + timedelta(days=1), None) == (
        "Paused while awaiting the journalist's reply (1 hour left then)"
    )
    stopped = response_clock.stop(running)
    assert response_clock.describe(stopped, DUE, DUE - timedelta(minutes=30)) == (
        "Stopped: first response 30 minutes before the due time"
    )
    assert response_clock.describe(stopped, DUE, DUE + timedelta(hours=1)) == (
        "Stopped: first response 1 hour after the due time"
    )
    assert response_clock.describe(stopped, DUE, None) == "Stopped: the inquiry is finished"
