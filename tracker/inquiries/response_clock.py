"""The response clock of DESIGN.md, as pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


def due_at(received_at: datetime, deadline: datetime | None, target: timedelta) -> datetime:
    """An inquiry is due at the earlier of the journalist's deadline and the target."""
    by_target = received_at + target
    return min(by_target, deadline) if deadline is not None else by_target


@dataclass(frozen=True)
class ClockState:
    """One inquiry's response clock: when it is due, and whether it is running.

    Stopped (first response, or the inquiry finished): not running, no pause time.
    Paused (awaiting the journalist): not running, ``paused_at`` set.
    """

    due_at: datetime
    running: bool = True
    paused_at: datetime | None = None


def pause(state: ClockState, now: datetime) -> ClockState:
    """Awaiting the journalist: the office is not late while the next move is theirs."""
    if not state.running:
        return state
    return ClockState(state.due_at, running=False, paused_at=now)


def resume(state: ClockState, now: datetime) -> ClockState:
    """Back from awaiting the journalist: the due time moves later by the time paused."""
    if state.paused_at is None:
        return state
    paused_for = max(now - state.paused_at, timedelta(0))
    return ClockState(state.due_at + paused_for, running=True, paused_at=None)


def stop(state: ClockState) -> ClockState:
    """The first response, or the end of the inquiry, stops the clock."""
    return ClockState(state.due_at, running=False, paused_at=None)


def restart(state: ClockState) -> ClockState:
    """A reopened inquiry that was never responded to is on the clock again (same due time)."""
    return ClockState(state.due_at, running=True, paused_at=None)


def duration_words(span: timedelta) -> str:
    """ "2 hours", "1 day 3 hours", "45 minutes": the largest unit and the next one."""
    minutes = int(abs(span).total_seconds() // 60)
    if minutes == 0:
        return "less than a minute"
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    counts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    first = next(index for index, (count, _) in enumerate(counts) if count)
    shown = [(count, unit) for count, unit in counts[first : first + 2] if count]
    return " ".join(f"{count} {unit}{'' if count == 1 else 's'}" for count, unit in shown)


def time_left_words(due_at: datetime, now: datetime) -> str:
    """ "3 hours left" or "Overdue by 2 hours": lateness said in words, not colour alone."""
    if now >= due_at:
        return f"Overdue by {duration_words(now - due_at)}"
    return f"{duration_words(due_at - now)} left"


def describe(state: ClockState, now: datetime, responded_at: datetime | None) -> str:
    """The clock in a sentence for the inquiry page."""
    if responded_at is not None:
        margin = duration_words(responded_at - state.due_at)
        if responded_at > state.due_at:
            return f"Stopped: first response {margin} after the due time"
        return f"Stopped: first response {margin} before the due time"
    if state.paused_at is not None:
        then = time_left_words(state.due_at, state.paused_at)
        return f"Paused while awaiting the journalist's reply ({then[0].lower()}{then[1:]} then)"
    if not state.running:
        return "Stopped: the inquiry is finished"
    return time_left_words(state.due_at, now)
