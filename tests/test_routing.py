"""Routing (DESIGN.md): first matching rule wins, then the least-loaded contact, with a
reason in plain words. Pure values first; one test through the intake service at the end.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from tracker.choices import Phase, RequestType, RoutingTarget, Status, Topic
from tracker.extensions import db
from tracker.inquiries.intake import Receipt
from tracker.missions import lookups
from tracker.models import Contact, Mission, RoutingRule, RoutingRuleContact
from tracker.routing import (
    ContactRef,
    InquiryFacts,
    Rule,
    public_candidates,
    route,
    uses_phase_contacts,
)

THIBAUT = ContactRef(1, "Thibaut Guillet", office="Geneva")
KAREN = ContactRef(2, "Karen Blanc", office="Geneva")
LEILA = ContactRef(3, "Leila Duisekova", office="Astana")
XABIER = ContactRef(4, "Xabier Celaya", office="Geneva", unit="UN Human Rights \u2013 Media Unit")

# The press release: Geneva before and after, Astana during.
SEED_PHASE_CONTACTS = {
    Phase.BEFORE: (THIBAUT, KAREN),
    Phase.DURING: (LEILA,),
    Phase.AFTER: (THIBAUT, KAREN),
}
# Other UN experts → the Media Unit; everything else → whoever the phase names.
SEED_RULES = (
    Rule(RoutingTarget.CONTACTS, (XABIER,), topic=Topic.OTHER_EXPERTS),
    Rule(RoutingTarget.PHASE_CONTACTS),
)
NO_LOAD: dict[int, int] = {}


def facts(
    phase: Phase,
    topic: Topic = Topic.MISSION,
    request_type: RequestType = RequestType.INTERVIEW,
) -> InquiryFacts:
    return InquiryFacts(topic=topic, phase=phase, request_type=request_type)


# --- the seed's default rules ---------------------------------------------------------


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        pytest.param(Phase.BEFORE, THIBAUT, id="before-first-geneva-contact"),
        pytest.param(Phase.DURING, LEILA, id="during-astana-contact"),
        pytest.param(Phase.AFTER, THIBAUT, id="after-first-geneva-contact"),
    ],
)
def test_mission_inquiry_goes_to_the_phase_contact(phase: Phase, expected: ContactRef) -> None:
    decision = route(facts(phase), SEED_RULES, SEED_PHASE_CONTACTS, NO_LOAD)

    assert decision.contact == expected


@pytest.mark.parametrize("phase", list(Phase), ids=[p.value for p in Phase])
def test_inquiry_about_another_expert_goes_to_media_unit_in_every_phase(phase: Phase) -> None:
    inquiry = facts(phase, topic=Topic.OTHER_EXPERTS)

    decision = route(inquiry, SEED_RULES, SEED_PHASE_CONTACTS, NO_LOAD)

    assert decision.contact == XABIER


def test_general_question_follows_the_phase_contacts() -> None:
    decision = route(
        facts(Phase.DURING, topic=Topic.GENERAL), SEED_RULES, SEED_PHASE_CONTACTS, NO_LOAD
    )

    assert decision.contact == LEILA


def test_no_rules_at_all_still_routes_to_the_phase_contacts() -> None:
    decision = route(facts(Phase.DURING), (), SEED_PHASE_CONTACTS, NO_LOAD)

    assert decision.contact == LEILA


# --- reasons in plain words -----------------------------------------------------------


def test_reason_during_the_mission_names_the_astana_contact() -> None:
    decision = route(facts(Phase.DURING), SEED_RULES, SEED_PHASE_CONTACTS, NO_LOAD)

    assert "received during the mission" in decision.reason
    assert "Astana contact: Leila Duisekova" in decision.reason


def test_reason_for_another_expert_names_the_media_unit() -> None:
    inquiry = facts(Phase.BEFORE, topic=Topic.OTHER_EXPERTS)

    decision = route(inquiry, SEED_RULES, SEED_PHASE_CONTACTS, NO_LOAD)

    assert "about another UN expert" in decision.reason
    assert "Media Unit" in decision.reason
    assert "Xabier Celaya" in decision.reason


@pytest.mark.parametrize(
    ("phase", "words"),
    [
        pytest.param(Phase.BEFORE, "received before the mission", id="before"),
        pytest.param(Phase.AFTER, "received after the mission", id="after"),
    ],
)
def test_reason_outside_the_mission_names_geneva_and_the_load_choice(
    phase: Phase, words: str
) -> None:
    decision = route(facts(phase), SEED_RULES, SEED_PHASE_CONTACTS, NO_LOAD)

    assert words in decision.reason
    assert "Geneva contact: Thibaut Guillet" in decision.reason
    assert "fewest open inquiries" in decision.reason


@pytest.mark.parametrize(
    "inquiry",
    [
        pytest.param(facts(Phase.BEFORE), id="before"),
        pytest.param(facts(Phase.DURING), id="during"),
        pytest.param(facts(Phase.AFTER, topic=Topic.OTHER_EXPERTS), id="other-expert"),
        pytest.param(facts(Phase.DURING, request_type=RequestType.ACCREDITATION), id="accred"),
    ],
)
def test_reason_carries_no_code_words(inquiry: InquiryFacts) -> None:
    decision = route(inquiry, SEED_RULES, SEED_PHASE_CONTACTS, NO_LOAD)

    for jargon in (
        "phase_contacts",
        "other_experts",
        "Phase.",
        "Topic.",
        "RoutingTarget",
        "None",
        "ContactRef",
        "id=",
    ):
        assert jargon not in decision.reason


# --- rule order and conditions --------------------------------------------------------


def test_first_matching_rule_wins() -> None:
    rules = (
        Rule(RoutingTarget.CONTACTS, (KAREN,), topic=Topic.OTHER_EXPERTS),
        Rule(RoutingTarget.CONTACTS, (XABIER,), topic=Topic.OTHER_EXPERTS),
    )

    decision = route(
        facts(Phase.DURING, topic=Topic.OTHER_EXPERTS), rules, SEED_PHASE_CONTACTS, NO_LOAD
    )

    assert decision.contact == KAREN


def test_catch_all_rule_listed_first_shadows_the_media_unit_rule() -> None:
    rules = (Rule(RoutingTarget.PHASE_CONTACTS), *SEED_RULES)

    decision = route(
        facts(Phase.DURING, topic=Topic.OTHER_EXPERTS), rules, SEED_PHASE_CONTACTS, NO_LOAD
    )

    assert decision.contact == LEILA


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        pytest.param(Phase.BEFORE, THIBAUT, id="before-rule-does-not-apply"),
        pytest.param(Phase.DURING, KAREN, id="during-rule-applies"),
        pytest.param(Phase.AFTER, THIBAUT, id="after-rule-does-not-apply"),
    ],
)
def test_rule_with_a_phase_condition_applies_only_in_that_phase(
    phase: Phase, expected: ContactRef
) -> None:
    rules = (Rule(RoutingTarget.CONTACTS, (KAREN,), phase=Phase.DURING), *SEED_RULES)

    decision = route(facts(phase), rules, SEED_PHASE_CONTACTS, NO_LOAD)

    assert decision.contact == expected


@pytest.mark.parametrize(
    ("request_type", "expected"),
    [
        pytest.param(RequestType.ACCREDITATION, KAREN, id="accreditation-to-karen"),
        pytest.param(RequestType.INTERVIEW, LEILA, id="interview-to-phase-contact"),
    ],
)
def test_rule_with_a_request_type_condition(
    request_type: RequestType, expected: ContactRef
) -> None:
    rules = (
        Rule(RoutingTarget.CONTACTS, (KAREN,), request_type=RequestType.ACCREDITATION),
        *SEED_RULES,
    )

    decision = route(
        facts(Phase.DURING, request_type=request_type), rules, SEED_PHASE_CONTACTS, NO_LOAD
    )

    assert decision.contact == expected


def test_reason_names_the_request_type_the_rule_tested() -> None:
    rules = (Rule(RoutingTarget.CONTACTS, (KAREN,), request_type=RequestType.ACCREDITATION),)

    decision = route(
        facts(Phase.DURING, request_type=RequestType.ACCREDITATION),
        rules,
        SEED_PHASE_CONTACTS,
        NO_LOAD,
    )

    assert "accreditation request" in decision.reason
    assert "Karen Blanc" in decision.reason


def test_rule_needs_every_condition_to_match() -> None:
    rules = (
        Rule(
            RoutingTarget.CONTACTS,
            (KAREN,),
            phase=Phase.DURING,
            request_type=RequestType.ACCREDITATION,
        ),
        *SEED_RULES,
    )

    before = route(
        facts(Phase.BEFORE, request_type=RequestType.ACCREDITATION),
        rules,
        SEED_PHASE_CONTACTS,
        {THIBAUT.id: 0, KAREN.id: 5},
    )
    during = route(
        facts(Phase.DURING, request_type=RequestType.ACCREDITATION),
        rules,
        SEED_PHASE_CONTACTS,
        NO_LOAD,
    )

    assert before.contact == THIBAUT
    assert during.contact == KAREN


# --- least loaded among several contacts ----------------------------------------------


@pytest.mark.parametrize(
    ("load", "expected"),
    [
        pytest.param({THIBAUT.id: 3, KAREN.id: 1}, KAREN, id="karen-has-fewer"),
        pytest.param({THIBAUT.id: 1, KAREN.id: 3}, THIBAUT, id="thibaut-has-fewer"),
        pytest.param({THIBAUT.id: 2, KAREN.id: 2}, THIBAUT, id="tie-goes-to-first-listed"),
        pytest.param({THIBAUT.id: 1}, KAREN, id="missing-load-counts-as-zero"),
        pytest.param({KAREN.id: 0}, THIBAUT, id="both-zero-first-listed"),
        pytest.param({}, THIBAUT, id="no-load-at-all-first-listed"),
        pytest.param({LEILA.id: 0, THIBAUT.id: 4, KAREN.id: 4}, THIBAUT, id="others-ignored"),
    ],
)
def test_fewest_open_inquiries_wins_between_geneva_contacts(
    load: dict[int, int], expected: ContactRef
) -> None:
    decision = route(facts(Phase.BEFORE), SEED_RULES, SEED_PHASE_CONTACTS, load)

    assert decision.contact == expected


def test_tie_goes_to_whoever_is_listed_first() -> None:
    karen_first = {**SEED_PHASE_CONTACTS, Phase.AFTER: (KAREN, THIBAUT)}

    decision = route(facts(Phase.AFTER), SEED_RULES, karen_first, {THIBAUT.id: 1, KAREN.id: 1})

    assert decision.contact == KAREN


def test_single_contact_gets_it_however_loaded() -> None:
    decision = route(facts(Phase.DURING), SEED_RULES, SEED_PHASE_CONTACTS, {LEILA.id: 40})

    assert decision.contact == LEILA
    assert "fewest open inquiries" not in decision.reason


def test_rule_with_several_contacts_picks_the_least_loaded() -> None:
    rules = (Rule(RoutingTarget.CONTACTS, (XABIER, KAREN), topic=Topic.OTHER_EXPERTS),)

    decision = route(
        facts(Phase.DURING, topic=Topic.OTHER_EXPERTS), rules, SEED_PHASE_CONTACTS, {XABIER.id: 2}
    )

    assert decision.contact == KAREN


# --- nobody to route to ---------------------------------------------------------------


def test_phase_without_contacts_routes_to_nobody_and_says_so() -> None:
    no_one_during = {Phase.BEFORE: (THIBAUT, KAREN), Phase.AFTER: (THIBAUT, KAREN)}

    decision = route(facts(Phase.DURING), SEED_RULES, no_one_during, NO_LOAD)

    assert decision.contact is None
    assert "received during the mission" in decision.reason
    assert "no contact is assigned" in decision.reason


def test_mission_without_any_contacts_routes_to_nobody() -> None:
    decision = route(facts(Phase.BEFORE), SEED_RULES, {}, NO_LOAD)

    assert decision.contact is None
    assert "no contact is assigned" in decision.reason


def test_rule_naming_no_contacts_routes_to_nobody() -> None:
    rules = (Rule(RoutingTarget.CONTACTS, (), topic=Topic.OTHER_EXPERTS), *SEED_RULES)

    decision = route(
        facts(Phase.BEFORE, topic=Topic.OTHER_EXPERTS), rules, SEED_PHASE_CONTACTS, NO_LOAD
    )

    assert decision.contact is None
    assert "no contact is assigned" in decision.reason


# --- what the public is told ----------------------------------------------------------


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        pytest.param(Phase.BEFORE, (THIBAUT, KAREN), id="before-both-geneva-in-order"),
        pytest.param(Phase.DURING, (LEILA,), id="during-astana"),
        pytest.param(Phase.AFTER, (THIBAUT, KAREN), id="after-both-geneva-in-order"),
    ],
)
def test_public_contacts_for_the_mission_are_the_phase_contacts(
    phase: Phase, expected: tuple[ContactRef, ...]
) -> None:
    assert public_candidates(SEED_RULES, Topic.MISSION, phase, SEED_PHASE_CONTACTS) == expected


@pytest.mark.parametrize("phase", list(Phase), ids=[p.value for p in Phase])
def test_public_contact_for_other_experts_is_the_media_unit(phase: Phase) -> None:
    contacts = public_candidates(SEED_RULES, Topic.OTHER_EXPERTS, phase, SEED_PHASE_CONTACTS)

    assert contacts == (XABIER,)


def test_public_contacts_ignore_rules_about_request_types() -> None:
    rules = (
        Rule(RoutingTarget.CONTACTS, (KAREN,), request_type=RequestType.ACCREDITATION),
        *SEED_RULES,
    )

    contacts = public_candidates(rules, Topic.MISSION, Phase.DURING, SEED_PHASE_CONTACTS)

    assert contacts == (LEILA,)


def test_public_contacts_follow_a_phase_rule() -> None:
    rules = (Rule(RoutingTarget.CONTACTS, (KAREN,), phase=Phase.AFTER), *SEED_RULES)

    after = public_candidates(rules, Topic.MISSION, Phase.AFTER, SEED_PHASE_CONTACTS)
    before = public_candidates(rules, Topic.MISSION, Phase.BEFORE, SEED_PHASE_CONTACTS)

    assert after == (KAREN,)
    assert before == (THIBAUT, KAREN)


def test_public_contacts_for_an_empty_phase_is_an_empty_list() -> None:
    assert public_candidates(SEED_RULES, Topic.MISSION, Phase.DURING, {}) == ()


def test_only_a_phase_rule_needs_the_phase_contacts() -> None:
    """The intake reads the phase lists only when this says so: a rule naming its own
    contacts routes the same without them."""
    other_experts = facts(Phase.DURING, topic=Topic.OTHER_EXPERTS)

    assert uses_phase_contacts(facts(Phase.DURING), SEED_RULES)
    assert uses_phase_contacts(facts(Phase.DURING), ())
    assert not uses_phase_contacts(other_experts, SEED_RULES)
    assert route(other_experts, SEED_RULES, {}, NO_LOAD) == route(
        other_experts, SEED_RULES, SEED_PHASE_CONTACTS, NO_LOAD
    )


# --- through the intake service (database) --------------------------------------------


def test_routing_inputs_read_what_the_mission_relationships_hold(mission: Mission) -> None:
    """The intake's two queries agree with the models' rules: order, and active contacts."""
    contacts = {c.key: c for c in db.session.scalars(select(Contact))}
    several = ["karen-blanc", "xabier-celaya", "thibaut-guillet"]
    mission.routing_rules.insert(
        0,
        RoutingRule(
            position=-1,
            target=RoutingTarget.CONTACTS,
            request_type=RequestType.ACCREDITATION,
            rule_contacts=[
                RoutingRuleContact(position=i, contact=contacts[key])
                for i, key in enumerate(several)
            ],
        ),
    )
    mission.routing_rules.append(RoutingRule(position=99, target=RoutingTarget.CONTACTS))
    contacts["karen-blanc"].active = False
    db.session.commit()
    db.session.expire_all()

    rules, by_phase = lookups.routing_inputs(mission)

    assert (rules, by_phase) == lookups.loaded_routing_inputs(mission)
    assert [c.name for c in rules[0].contacts] == ["Xabier Celaya", "Thibaut Guillet"]
    assert rules[-1].contacts == ()
    assert [c.name for c in by_phase[Phase.BEFORE]] == ["Thibaut Guillet"]


BEFORE_THE_MISSION = "2015-01-16T15:00:00+01:00"


def test_inquiries_before_the_mission_alternate_between_geneva_contacts(
    make_inquiry: Callable[..., Receipt],
) -> None:
    names = [
        make_inquiry(received_at=BEFORE_THE_MISSION).inquiry.routed_contact.name for _ in range(3)
    ]

    assert names == ["Thibaut Guillet", "Karen Blanc", "Thibaut Guillet"]


def test_routed_inquiry_keeps_a_plain_words_reason(make_inquiry: Callable[..., Receipt]) -> None:
    inquiry = make_inquiry(received_at="2015-01-20T10:00:00+06:00").inquiry

    assert inquiry.routed_contact.name == "Leila Duisekova"
    assert "received during the mission" in inquiry.routing_reason
    assert "Astana contact: Leila Duisekova" in inquiry.routing_reason


def test_closed_inquiry_no_longer_counts_towards_the_load(
    make_inquiry: Callable[..., Receipt],
) -> None:
    first, _, _ = [make_inquiry(received_at=BEFORE_THE_MISSION).inquiry for _ in range(3)]
    assert first.routed_contact.name == "Thibaut Guillet"

    # Thibaut held two open inquiries, Karen one; closing one of Thibaut's makes a tie.
    first.status = Status.CLOSED
    db.session.commit()
    fourth = make_inquiry(received_at=BEFORE_THE_MISSION).inquiry

    assert fourth.routed_contact.name == "Thibaut Guillet"


def test_open_inquiries_keep_counting(make_inquiry: Callable[..., Receipt]) -> None:
    # The control for the test above: with nothing closed, Karen gets the fourth.
    for _ in range(3):
        make_inquiry(received_at=BEFORE_THE_MISSION)

    fourth = make_inquiry(received_at=BEFORE_THE_MISSION).inquiry

    assert fourth.routed_contact.name == "Karen Blanc"
