"""Who answers a mission: its contacts per phase, its routing rules, and a routing preview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tracker import phases, routing
from tracker.audit import record
from tracker.choices import Phase, RequestType, RoutingTarget, Topic
from tracker.extensions import db
from tracker.missions import lookups
from tracker.missions.ordering import move, renumber
from tracker.models import Contact, Mission, PhaseAssignment, RoutingRule, RoutingRuleContact, User
from tracker.refusals import Refused


def phase_list(mission: Mission, phase: Phase) -> list[PhaseAssignment]:
    """The assignments of one phase, in public order."""
    rows = [a for a in mission.phase_assignments if a.phase == phase]
    return sorted(rows, key=lambda a: a.position)


def add_assignment(
    actor: User, mission: Mission, phase: Phase, contact: Contact
) -> PhaseAssignment:
    """Put ``contact`` last in the list of those who answer during ``phase``."""
    listed = phase_list(mission, phase)
    if any(a.contact_id == contact.id for a in listed):
        raise Refused(f"{contact.name} already answers {phase_words(phase)}.", "contact")
    assignment = PhaseAssignment(phase=phase, contact=contact, position=len(listed))
    mission.phase_assignments.append(assignment)
    summary = f"{contact.name} now answers {phase_words(phase)} of {mission.slug}"
    details = {"phase": phase, "contact_id": contact.id, "place": len(listed) + 1}
    record(actor, "assignment_added", mission, summary, details)
    return assignment


def move_assignment(actor: User, mission: Mission, assignment: PhaseAssignment, step: int) -> int:
    """Move a contact up or down its phase's list; return its new 1-based place."""
    place = move(phase_list(mission, assignment.phase), assignment, step) + 1
    name = assignment.contact.name
    summary = f"Moved {name} to place {place} {phase_words(assignment.phase)} of {mission.slug}"
    details = {"phase": assignment.phase, "contact_id": assignment.contact_id, "place": place}
    record(actor, "assignment_moved", mission, summary, details)
    return place


def remove_assignment(actor: User, mission: Mission, assignment: PhaseAssignment) -> None:
    """Take a contact off its phase's list."""
    phase, contact = assignment.phase, assignment.contact
    mission.phase_assignments.remove(assignment)
    renumber(phase_list(mission, phase))
    summary = f"{contact.name} no longer answers {phase_words(phase)} of {mission.slug}"
    record(actor, "assignment_removed", mission, summary,
        {"phase": phase, "contact_id": contact.id},
    )  # fmt: skip


def phase_words(phase: Phase) -> str:
    """ "during the mission", for sentences."""
    return phase.label.lower()


@dataclass(frozen=True)
class RuleValues:
    """A rule's conditions (None: any) and where it sends a match."""

    topic: Topic | None
    phase: Phase | None
    request_type: RequestType | None
    target: RoutingTarget
    contacts: list[Contact]


def add_rule(actor: User, mission: Mission, values: RuleValues) -> RoutingRule:
    """Add a rule at the end of the mission's list (last to be tried)."""
    rule = RoutingRule(position=len(mission.routing_rules))
    set_rule(rule, values)
    mission.routing_rules.append(rule)
    db.session.flush()
    summary = f"Added routing rule {rule.position + 1} to {mission.slug}: {describe_rule(rule)}"
    record(actor, "rule_added", mission, summary, rule_details(rule))
    return rule


def update_rule(actor: User, mission: Mission, rule: RoutingRule, values: RuleValues) -> bool:
    """Change a rule's conditions or contacts; False when nothing differed."""
    before = describe_rule(rule)
    set_rule(rule, values)
    after = describe_rule(rule)
    if after == before:
        return False
    summary = f"Changed routing rule {rule.position + 1} of {mission.slug}: {after}"
    record(actor, "rule_updated", mission, summary, {**rule_details(rule), "was": before})
    return True


def set_rule(rule: RoutingRule, values: RuleValues) -> None:
    """Write the values onto the rule; its contacts keep the order given."""
    rule.topic, rule.phase, rule.request_type = values.topic, values.phase, values.request_type
    rule.target = values.target
    wanted = [c.id for c in values.contacts]
    if [link.contact_id for link in rule.rule_contacts] != wanted:
        rule.rule_contacts = [
            RoutingRuleContact(position=i, contact=c) for i, c in enumerate(values.contacts)
        ]


def move_rule(actor: User, mission: Mission, rule: RoutingRule, step: int) -> int:
    """Move a rule up (tried earlier) or down; return its new 1-based place."""
    old = rule.position + 1
    place = move(mission.routing_rules, rule, step) + 1
    summary = f"Moved routing rule {old} of {mission.slug} to place {place}: {describe_rule(rule)}"
    record(actor, "rule_moved", mission, summary, {**rule_details(rule), "from": old})
    return place


def remove_rule(actor: User, mission: Mission, rule: RoutingRule) -> None:
    """Delete a rule; the ones after it move up."""
    summary = f"Removed routing rule {rule.position + 1} of {mission.slug}: {describe_rule(rule)}"
    details = rule_details(rule)
    mission.routing_rules.remove(rule)
    renumber(sorted(mission.routing_rules, key=lambda r: r.position))
    record(actor, "rule_removed", mission, summary, details)


def rule_details(rule: RoutingRule) -> dict[str, object]:
    """The rule as data, for the audit trail."""
    return {
        "rule_id": rule.id,
        "place": rule.position + 1,
        "topic": rule.topic,
        "phase": rule.phase,
        "request_type": rule.request_type,
        "target": rule.target,
        "contact_ids": [link.contact_id for link in rule.rule_contacts],
    }


def describe_rule(rule: RoutingRule) -> str:
    """ "Another UN expert · any phase · any request → Xabier Celaya"."""
    topic = rule.topic.label if rule.topic else "any topic"
    phase = rule.phase.label.lower() if rule.phase else "any phase"
    request = f"{rule.request_type.label.lower()} requests" if rule.request_type else "any request"
    if rule.target is RoutingTarget.PHASE_CONTACTS:
        target = "the contacts of the phase at receipt"
    else:
        target = ", ".join(link.contact.name for link in rule.rule_contacts) or "nobody"
    return f"{topic} · {phase} · {request} → {target}"


@dataclass(frozen=True)
class Preview:
    """Where an inquiry would go, and why, by the same functions intake uses."""

    received_at: datetime
    topic: Topic
    request_type: RequestType
    phase: Phase
    contact: routing.ContactRef | None
    reason: str
    rule_place: int | None  # None: no rule matched, the phase's contacts answer


def preview_route(
    mission: Mission, received_at: datetime, topic: Topic, request_type: RequestType
) -> Preview:
    """Route an imagined inquiry exactly as ``intake.receive`` would, with today's load."""
    phase = phases.phase_at(mission, received_at)
    rules, phase_contacts = lookups.routing_inputs(mission)
    # The same candidates as intake: every contact any rule or phase could choose.
    candidate_ids = {c.id for rule in rules for c in rule.contacts}
    candidate_ids |= {c.id for refs in phase_contacts.values() for c in refs}
    facts = routing.InquiryFacts(topic, phase, request_type)
    decision = routing.route(facts, rules, phase_contacts, lookups.open_load(candidate_ids))
    place = next((i + 1 for i, rule in enumerate(rules) if rule.matches(facts)), None)
    return Preview(
        received_at, topic, request_type, phase, decision.contact, decision.reason, place
    )
