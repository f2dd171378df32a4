"""A made-up visit under way today, so the queue, the handover, the follow-ups and the
charts have something live: it started three days ago (in Almaty) and ends in four.

It is loaded through the mission file's own path (spec, then sync), staffed like the
seed (Geneva before and after, Astana during, the Media Unit for other experts), and
its inquiries are spread so that every tab holds some: Geneva's still open from before
the visit (the handover), new ones with deadlines in the coming hours, an overdue one,
follow-ups due today, some awaiting the journalist, answered and closed ones.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tracker import phones
from tracker.choices import RequestType, Topic
from tracker.demo.people import Team, contact
from tracker.demo.story import Outcome, handle, receive
from tracker.missions.lookups import find_mission
from tracker.missions.spec import MissionSpec
from tracker.missions.sync import apply_spec
from tracker.models import Mission

SLUG = "demo-visit"
ZONE = "Asia/Almaty"
HOUR = timedelta(hours=1)
ACCREDITATION = RequestType.ACCREDITATION

# (outcome, hours ago it came in: from, to, deadline in hours from now or None), per 16.
DURING = [
    (Outcome.NEW, 0.1, 0.5, 2),
    (Outcome.NEW, 0.5, 1.5, None),
    (Outcome.NEW, 5, 6, None),  # past the 4-hour target: overdue
    (Outcome.IN_HAND, 1, 2, 3),
    (Outcome.IN_HAND, 2, 3, 6),
    (Outcome.IN_HAND, 0.5, 2, None),
    (Outcome.AWAITING, 3, 20, None),
    (Outcome.FOLLOW_UP, 25, 27, None),  # its follow-up falls due today
    (Outcome.FOLLOW_UP, 24, 26, None),
    (Outcome.ANSWERED, 4, 20, None),
    (Outcome.CLOSED, 40, 60, None),
    (Outcome.CLOSED, 40, 66, None),
    (Outcome.CLOSED, 36, 66, None),
    (Outcome.DECLINED, 30, 60, None),
    (Outcome.REFERRED, 10, 30, None),
    (Outcome.ANSWERED, 20, 30, None),
]
BEFORE = [Outcome.CLOSED, Outcome.CLOSED, Outcome.IN_HAND, Outcome.NEW, Outcome.IN_HAND]


def file_data(today: Any) -> dict[str, Any]:
    """The visit as a mission file would describe it (fictional, and saying so)."""
    first, last = today - timedelta(days=3), today + timedelta(days=4)
    title = "Demonstration: a UN expert's visit under way (fictional)"
    return {
        "slug": SLUG,
        "reference_prefix": "DEMO",
        "title": title,
        "country": "Kazakhstan",
        "cities": ["Astana", "Almaty"],
        "first_day": first,
        "last_day": last,
        "timezone": ZONE,
        "home_timezone": "Europe/Zurich",
        "home_office": "Geneva",
        "announced_on": first - timedelta(days=10),
        "summary": "A made-up visit, so that the demo office has work under way today.",
        "source": "Made up by flask --app tracker demo",
        "published": True,
        "translations": {
            "ru": {"title": "Демонстрация: визит эксперта ООН (вымышленный)"},
            "kk": {"title": "Демонстрация: БҰҰ сарапшысының сапары (ойдан шығарылған)"},
        },
        "expert": {"name": "A. N. Expert (fictional)", "title": "Special Rapporteur"},
        "events": [press_conference(last)],
        "contacts": [{"key": key, "name": contact(key).name} for key in KEYS],
        "phases": {"before": GENEVA, "during": ["leila-duisekova"], "after": GENEVA},
        "routing": [
            {"topic": "other_experts", "target": "contacts", "contacts": ["xabier-celaya"]},
            {"target": "phase_contacts"},
        ],
    }


GENEVA = ["thibaut-guillet", "karen-blanc"]
KEYS = [*GENEVA, "leila-duisekova", "xabier-celaya"]


def press_conference(last: Any) -> dict[str, Any]:
    return {
        "kind": "press-conference",
        "title": "End-of-mission press conference",
        "starts_at_local": datetime.combine(last, time(11)),
        "venue": "United Nations Building, Astana",
    }


def visit(now: datetime) -> tuple[Mission, bool]:
    """The demonstration visit; made when it is not there yet (then True)."""
    found = find_mission(SLUG)
    if found is not None:
        return found, False
    data = file_data(now.astimezone(ZoneInfo(ZONE)).date())
    # The seed's contacts as they are: the file lists them only to name them here.
    for entry in data["contacts"]:
        seed = contact(entry["key"])
        numbers = [phones.display(number) for number in seed.phones]
        entry.update(office=seed.office, unit=seed.unit, phones=numbers)
        entry.update(languages=list(seed.languages), translations=dict(seed.translations))
    mission, _ = apply_spec(MissionSpec.model_validate(data))
    return mission, True


def fill(
    mission: Mission, count: int, team: Team, rng: random.Random, now: datetime
) -> Counter[Outcome]:
    """About ``count`` inquiries: a third from before the visit, the rest during it."""
    media_unit = contact("xabier-celaya")
    told: Counter[Outcome] = Counter()
    before = BEFORE * max(1, count // (3 * len(BEFORE)))
    during = DURING * max(1, (count - len(before)) // len(DURING))
    starts = datetime.combine(mission.first_day, time(0), tzinfo=ZoneInfo(ZONE))
    plans: list[tuple[Outcome, datetime, float | None]] = [
        (outcome, before_moment(rng, starts), None) for outcome in before
    ]
    plans += [(o, now - rng.uniform(a, b) * HOUR, d) for o, a, b, d in during]
    for outcome, at, deadline_hours in sorted(plans, key=lambda plan: plan[1]):
        deadline = now + deadline_hours * HOUR if deadline_hours else None
        referred = outcome is Outcome.REFERRED
        topic = Topic.OTHER_EXPERTS if rng.random() < 0.1 and not referred else Topic.MISSION
        kind: RequestType = rng.choice([k for k in RequestType if k is not ACCREDITATION])
        if outcome is Outcome.NEW and deadline_hours == 2:
            kind = ACCREDITATION  # the press conference is in a few days
        inquiry = receive(mission, rng, at, kind, topic, deadline)
        minutes = rng.randint(20, 50)
        handle(inquiry, team.officer_for(inquiry), outcome,
            respond_after=timedelta(minutes=minutes), media_unit=media_unit)  # fmt: skip
        told[outcome] += 1
    return told


def before_moment(rng: random.Random, starts: datetime) -> datetime:
    """A moment of the three days before the visit, when Geneva answered."""
    return starts - timedelta(hours=rng.uniform(6, 72))
