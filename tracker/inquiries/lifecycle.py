"""The status lifecycle of an inquiry: which moves are allowed, and why the others are not.

new → assigned → in progress → (awaiting sign-off | awaiting journalist) → answered → closed,
with declined, spam, duplicate and referred as other ways out, and reopening of anything
finished. Pure: no Flask, no database. Every change of status goes through
``check_transition``; the inquiry page offers ``menu(status)`` and a reopen button.
"""

from __future__ import annotations

from tracker.choices import OPEN_STATUSES, Status
from tracker.refusals import Refused


class IllegalTransition(Refused):
    """A move the lifecycle does not allow; the message says why, for a person to read."""


# Statuses in which the office's work is done; from these an inquiry can only be reopened
# (and an answered one closed).
FINISHED = frozenset(Status) - OPEN_STATUSES
# The ways out that end the inquiry for the office: they write the closed_at milestone.
CLOSING = frozenset(
    {Status.CLOSED, Status.DECLINED, Status.SPAM, Status.DUPLICATE, Status.REFERRED}
)
# Where a reopened inquiry goes: back to work if someone has it, else back to the queue.
REOPEN_TARGETS = frozenset({Status.NEW, Status.IN_PROGRESS})

_WAYS_OUT = (Status.DECLINED, Status.SPAM, Status.DUPLICATE, Status.REFERRED)

# The forward moves from each status, in the order the status menu offers them.
FORWARD: dict[Status, tuple[Status, ...]] = {
    Status.NEW: (Status.ASSIGNED, Status.IN_PROGRESS, *_WAYS_OUT),
    Status.ASSIGNED: (Status.IN_PROGRESS, *_WAYS_OUT),
    Status.IN_PROGRESS: (
        Status.AWAITING_SIGN_OFF,
        Status.AWAITING_JOURNALIST,
        Status.ANSWERED,
        *_WAYS_OUT,
    ),
    # Sign-off refused sends it back to work, or the office declines after all.
    Status.AWAITING_SIGN_OFF: (Status.IN_PROGRESS, Status.ANSWERED, Status.DECLINED),
    # The journalist replies (back to work), or never does (closed).
    Status.AWAITING_JOURNALIST: (
        Status.IN_PROGRESS,
        Status.ANSWERED,
        Status.CLOSED,
        Status.DECLINED,
    ),
    Status.ANSWERED: (Status.CLOSED,),
    Status.CLOSED: (),
    Status.DECLINED: (),
    Status.SPAM: (),
    Status.DUPLICATE: (),
    Status.REFERRED: (),
}

# "An answered inquiry …": how a reason names the inquiry in its current status.
DESCRIBED: dict[Status, str] = {
    Status.NEW: "A new inquiry",
    Status.ASSIGNED: "An assigned inquiry",
    Status.IN_PROGRESS: "An inquiry in progress",
    Status.AWAITING_SIGN_OFF: "An inquiry awaiting sign-off",
    Status.AWAITING_JOURNALIST: "An inquiry awaiting the journalist's reply",
    Status.ANSWERED: "An answered inquiry",
    Status.CLOSED: "A closed inquiry",
    Status.DECLINED: "A declined inquiry",
    Status.SPAM: "An inquiry marked as spam",
    Status.DUPLICATE: "A duplicate inquiry",
    Status.REFERRED: "A referred inquiry",
}

# "… can only be closed or reopened": what each move does to the inquiry, in words.
VERBS: dict[Status, str] = {
    Status.NEW: "returned to the queue",
    Status.ASSIGNED: "assigned",
    Status.IN_PROGRESS: "put in progress",
    Status.AWAITING_SIGN_OFF: "sent for sign-off",
    Status.AWAITING_JOURNALIST: "put on hold for the journalist's reply",
    Status.ANSWERED: "marked answered",
    Status.CLOSED: "closed",
    Status.DECLINED: "declined",
    Status.SPAM: "marked as spam",
    Status.DUPLICATE: "marked as a duplicate",
    Status.REFERRED: "referred",
}


def can_reopen(current: Status) -> bool:
    """Anything finished may be reopened: the journalist came back, or it was a mistake."""
    return current in FINISHED


def is_reopen(current: Status, target: Status) -> bool:
    """True when moving from ``current`` to ``target`` reopens a finished inquiry."""
    return can_reopen(current) and target in REOPEN_TARGETS


def reopen_target(has_assignee: bool) -> Status:
    """The status a reopened inquiry gets: its assignee works on it, or it waits in the queue."""
    return Status.IN_PROGRESS if has_assignee else Status.NEW


def check_reopen(current: Status) -> None:
    """Refuse to reopen an inquiry that is still open."""
    if not can_reopen(current):
        raise IllegalTransition(f"{DESCRIBED[current]} is still open: there is nothing to reopen.")


def allowed_targets(current: Status) -> tuple[Status, ...]:
    """Every status ``current`` may move to, reopening included."""
    reopened = tuple(sorted(REOPEN_TARGETS)) if can_reopen(current) else ()
    return FORWARD[current] + reopened


def menu(current: Status) -> tuple[Status, ...]:
    """The statuses the page's status menu offers.

    Assigning happens by claiming or choosing an officer, reopening by its own button, so
    neither appears here.
    """
    return tuple(target for target in FORWARD[current] if target is not Status.ASSIGNED)


def check_transition(current: Status, target: Status) -> None:
    """Refuse a move the lifecycle does not allow, with the reason."""
    if target == current:
        raise IllegalTransition(f"This inquiry's status is already “{current.label}”.")
    if target not in allowed_targets(current):
        raise IllegalTransition(reason(current, target))


def reason(current: Status, target: Status) -> str:
    """Why ``current`` cannot move to ``target``, naming what it can do instead."""
    options = [VERBS[option] for option in FORWARD[current]]
    if can_reopen(current):
        options.append("reopened")
    text = f"{DESCRIBED[current]} can only be {join_or(options)}."
    if target is Status.ANSWERED and current in (Status.NEW, Status.ASSIGNED):
        text += " Log the response first: that puts it in progress."
    return text


def join_or(words: list[str]) -> str:
    """ "a", "a or b", "a, b or c"."""
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} or {words[-1]}"
