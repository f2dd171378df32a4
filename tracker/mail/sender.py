"""The sender behind ``outbox send``: claim a due mail, send it, record the outcome.

See ``tracker.mail.outbox`` for why each step commits on its own and what remains of the
at-least-once window.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol

from tracker.mail import outbox
from tracker.mail.messages import build_email, message_id_for
from tracker.mail.sealing import CannotUnseal, Sealer
from tracker.mail.smtp import Rejected, ServerUnavailable
from tracker.models import OutboxStatus

Clock = Callable[[], datetime]
SERVER_UNAVAILABLE = "server_unavailable"

log = logging.getLogger(__name__)


class Transport(Protocol):
    def send(self, email: EmailMessage) -> None: ...


def send_due(
    transport: Transport,
    sender: str,
    now: Clock,
    *,
    sealer: Sealer,
    stop: threading.Event | None = None,
) -> Counter[str]:
    """Send every due mail; stop early if the server is unavailable or ``stop`` is set.

    ``stop`` is checked between mails, so the mail in hand is always finished. Returns
    how many were "sent", put back to "retry", or "failed" for good, and
    "server_unavailable" when the round stopped for that reason.
    """
    outcomes: Counter[str] = Counter()
    abandoned = outbox.fail_abandoned(now())
    if abandoned:
        outcomes["failed"] += abandoned
    while stop is None or not stop.is_set():
        claimed = outbox.claim_next(now())
        if claimed is None:
            break
        try:
            outcomes[deliver(transport, sender, claimed, now, sealer)] += 1
        except ServerUnavailable as error:
            # Not this mail's fault, but it counts as an attempt: the server may never be
            # reachable from here, and the mail must not wait in the outbox for ever.
            status = outbox.mark_retry(claimed, now(), error=str(error))
            outcomes["retry" if status is OutboxStatus.PENDING else "failed"] += 1
            outcomes[SERVER_UNAVAILABLE] = 1
            break
    return outcomes


def deliver(
    transport: Transport,
    sender: str,
    claimed: outbox.Claimed,
    now: Clock,
    sealer: Sealer,
) -> str:
    """Send one claimed mail and record the outcome: "sent", "retry" or "failed".

    Raises ServerUnavailable, leaving the claim for the caller to record.
    """
    try:
        text = sealer.fill(claimed.body_text, claimed.sealed_secret)
        html = sealer.fill(claimed.body_html, claimed.sealed_secret)
    except CannotUnseal as error:
        outbox.mark_retry(claimed, now(), error=str(error), permanent=True)
        return "failed"
    email = build_email(
        sender=sender,
        to=claimed.to_address,
        subject=claimed.subject,
        text=text,
        html=html,
        message_id=message_id_for(claimed.id, claimed.created_at, sender),
    )
    try:
        transport.send(email)
    except Rejected as error:
        status = outbox.mark_retry(claimed, now(), error=str(error), permanent=error.permanent)
        return "failed" if status is OutboxStatus.FAILED else "retry"
    if not outbox.mark_sent(claimed, now()):
        log.warning("outbox %s: sent, but another sender had taken it over", claimed.id)
    return "sent"


def run_loop(
    round_: Callable[[], Counter[str]],
    *,
    interval: float,
    stop: threading.Event,
    report: Callable[[Counter[str]], None],
) -> None:
    """Run rounds until ``stop`` is set, resting ``interval`` seconds between them."""
    while not stop.is_set():
        outcomes = round_()
        if outcomes:
            report(outcomes)
        stop.wait(interval)
