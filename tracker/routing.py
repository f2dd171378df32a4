"""The routing rule engine: which contact answers an inquiry, and why.

A pure function of (inquiry, rules, current load), with no Flask and no database, so
every rule of DESIGN.md is unit-tested on plain values. Rules are evaluated in order and
the first match wins; when the match names several contacts, the one with the fewest
open inquiries gets it, ties going to the first listed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tracker.choices import Phase, RequestType, RoutingTarget, Topic


@dataclass(frozen=True)
class ContactRef:
    """A contact as routing sees it: enough to choose and to explain the choice, and to
    tell the journalist who will answer (the acknowledgement shows phones and email)."""

    id: int
    name: str
    office: str | None = None
    unit: str | None = None
    phones: tuple[str, ...] = ()
    email: str | None = None

    @property
    def description(self) -> str:
        """How the reason names the contact: "Media Unit: Xabier Celaya"."""
        where = self.unit or (f"{self.office} contact" if self.office else "contact")
        return f"{where}: {self.name}"


@dataclass(frozen=True)
class Rule:
    """One routing rule. A condition left as None matches anything."""

    target: RoutingTarget
    contacts: tuple[ContactRef, ...] = ()
    topic: Topic | None = None
    phase: Phase | None = None
    request_type: RequestType | None = None

    def matches(self, inquiry: InquiryFacts) -> bool:
        return (
            (self.topic is None or self.topic == inquiry.topic)
            and (self.phase is None or self.phase == inquiry.phase)
            and (self.request_type is None or self.request_type == inquiry.request_type)
        )


@dataclass(frozen=True)
class InquiryFacts:
    """What routing looks at: the facts of an inquiry at the moment it was received."""

    topic: Topic
    phase: Phase
    request_type: RequestType


@dataclass(frozen=True)
class Decision:
    """The routed contact (None when nobody is assigned) and the reason in plain words."""

    contact: ContactRef | None
    reason: str


# When no rule matches, the mission's phase contacts answer: the press release's own rule.
FALLBACK = Rule(target=RoutingTarget.PHASE_CONTACTS)

_TOPIC_WORDS = {
    Topic.MISSION: "about the mission",
    Topic.OTHER_EXPERTS: "about another UN expert",
    Topic.GENERAL: "a general question",
}
_PHASE_WORDS = {
    Phase.BEFORE: "received before the mission",
    Phase.DURING: "received during the mission",
    Phase.AFTER: "received after the mission",
}


def route(
    inquiry: InquiryFacts,
    rules: Sequence[Rule],
    phase_contacts: Mapping[Phase, Sequence[ContactRef]],
    open_load: Mapping[int, int],
) -> Decision:
    """Choose the contact for ``inquiry``: first matching rule, then the least loaded.

    ``open_load`` needs to hold only the ``candidates`` (see there): the others are never
    compared.
    """
    rule = matching_rule(inquiry, rules)
    candidates = candidates_for(rule, inquiry.phase, phase_contacts)
    condition = describe_condition(rule, inquiry)
    if not candidates:
        return Decision(None, f"{condition} → no contact is assigned; the desk must assign one")
    chosen = least_loaded(candidates, open_load)
    reason = f"{condition} → {chosen.description}"
    if len(candidates) > 1:
        reason += f" (fewest open inquiries of {len(candidates)} contacts)"
    return Decision(chosen, reason)


def matching_rule(inquiry: InquiryFacts, rules: Sequence[Rule]) -> Rule:
    """The first rule that matches ``inquiry``; the fallback when none does."""
    return next((r for r in rules if r.matches(inquiry)), FALLBACK)


def candidates(
    inquiry: InquiryFacts,
    rules: Sequence[Rule],
    phase_contacts: Mapping[Phase, Sequence[ContactRef]],
) -> tuple[ContactRef, ...]:
    """The contacts ``route`` would choose among for ``inquiry``, in listed order.

    A caller loads the open load of these only, and only when there are two or more:
    one contact needs no comparison, so no count of open inquiries.
    """
    return candidates_for(matching_rule(inquiry, rules), inquiry.phase, phase_contacts)


def uses_phase_contacts(inquiry: InquiryFacts, rules: Sequence[Rule]) -> bool:
    """Whether ``route`` would choose among the phase's contacts (not a rule's own)."""
    return matching_rule(inquiry, rules).target is RoutingTarget.PHASE_CONTACTS


def public_candidates(
    rules: Sequence[Rule],
    topic: Topic,
    phase: Phase,
    phase_contacts: Mapping[Phase, Sequence[ContactRef]],
) -> tuple[ContactRef, ...]:
    """The contacts to publish for ``topic`` during ``phase``, in listed order.

    Rules that depend on the request type are skipped: the public list answers "whom do
    I call about this", before anyone knows what the call will ask for.
    """
    rule = next(
        (
            r
            for r in rules
            if r.request_type is None
            and (r.topic is None or r.topic == topic)
            and (r.phase is None or r.phase == phase)
        ),
        FALLBACK,
    )
    return candidates_for(rule, phase, phase_contacts)


def candidates_for(
    rule: Rule, phase: Phase, phase_contacts: Mapping[Phase, Sequence[ContactRef]]
) -> tuple[ContactRef, ...]:
    """The contacts a rule names, in their listed order."""
    if rule.target is RoutingTarget.PHASE_CONTACTS:
        return tuple(phase_contacts.get(phase, ()))
    return rule.contacts


def least_loaded(candidates: Sequence[ContactRef], open_load: Mapping[int, int]) -> ContactRef:
    """The candidate with the fewest open inquiries; ``min`` keeps the first of equals."""
    return min(candidates, key=lambda contact: open_load.get(contact.id, 0))


def describe_condition(rule: Rule, inquiry: InquiryFacts) -> str:
    """The "why" half of a reason, from the conditions the rule actually tested."""
    parts = []
    if rule.topic is not None:
        parts.append(_TOPIC_WORDS[rule.topic])
    if rule.request_type is not None:
        parts.append(f"{rule.request_type.label.lower()} request")
    if rule.phase is not None or rule.target is RoutingTarget.PHASE_CONTACTS:
        parts.append(_PHASE_WORDS[inquiry.phase])
    return ", ".join(parts) if parts else "default rule"
