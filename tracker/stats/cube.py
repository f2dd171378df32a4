"""The plain tallies of a scope: counts per phase, assignee, contact, request type and
media type, and the deadline counts, added up from the day rollup (rollup.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from tracker.choices import MediaType, Phase, RequestType
from tracker.models import Inquiry

# The dimensions a day is counted by; each is a column of the inquiries.
DIMENSIONS = {
    "phase": Inquiry.phase_at_receipt,
    "assignee": Inquiry.assignee_id,
    "contact": Inquiry.routed_contact_id,
    "request_type": Inquiry.request_type,
    "media_type": Inquiry.media_type,
}


@dataclass
class Cube:
    """The scope's inquiries counted per value of each dimension."""

    received: int = 0
    with_deadline: int = 0
    met_deadline: int = 0
    by_phase: Counter[Phase] = field(default_factory=Counter)
    by_assignee: Counter[int | None] = field(default_factory=Counter)
    by_contact: Counter[int | None] = field(default_factory=Counter)
    by_request_type: Counter[RequestType] = field(default_factory=Counter)
    by_media_type: Counter[MediaType] = field(default_factory=Counter)

    def add(self, dimension: str, value: str | None, counts: tuple[int, int, int]) -> None:
        """One value of one dimension (as text; None for no one) and its three counts."""
        received, with_deadline, met = counts
        if dimension in ("assignee", "contact"):
            key = int(value) if value is not None else None
            (self.by_assignee if dimension == "assignee" else self.by_contact)[key] += received
        elif dimension == "phase":
            # Every inquiry has a phase: the phases' sums are the scope's totals.
            self.by_phase[Phase(str(value))] += received
            self.received += received
            self.with_deadline += with_deadline
            self.met_deadline += met
        elif dimension == "request_type":
            self.by_request_type[RequestType(str(value))] += received
        else:
            self.by_media_type[MediaType(str(value))] += received
