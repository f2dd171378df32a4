"""The seed mission as it ran: inquiries from the press release (16 January 2015) to the
final report at the Human Rights Council's June session, most answered and closed, some
referred or declined, a few still open with their follow-ups."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from tracker.choices import Phase, RequestType, Topic
from tracker.demo.people import Team, contact
from tracker.demo.story import OTHER_EXPERT, Outcome, handle, receive
from tracker.models import Mission

# (first day, last day, share of the inquiries): the release's days before the visit, the
# visit, the weeks after it, and the report's session in June (all in Almaty's days).
PERIODS = [
    (date(2015, 1, 16), date(2015, 1, 18), 0.15),
    (date(2015, 1, 19), date(2015, 1, 27), 0.55),
    (date(2015, 1, 28), date(2015, 2, 20), 0.18),
    (date(2015, 6, 15), date(2015, 7, 3), 0.12),
]
OUTCOMES = [
    (Outcome.CLOSED, 0.66),
    (Outcome.ANSWERED, 0.08),
    (Outcome.DECLINED, 0.09),
    (Outcome.REFERRED, 0.08),
    (Outcome.FOLLOW_UP, 0.06),
    (Outcome.AWAITING, 0.03),
]
KINDS = [
    (RequestType.INTERVIEW, 0.3),
    (RequestType.COMMENT, 0.2),
    (RequestType.INFORMATION, 0.25),
    (RequestType.FILMING, 0.1),
    (RequestType.OTHER, 0.05),
    (RequestType.ACCREDITATION, 0.1),
]


T = TypeVar("T")


def weighted(rng: random.Random, pairs: list[tuple[T, float]]) -> T:
    """One of the pairs' values, by their weights."""
    return rng.choices([value for value, _ in pairs], [weight for _, weight in pairs])[0]


def received_at(rng: random.Random, period: tuple[date, date, float], zone: str) -> datetime:
    """A moment of the newsroom's day (08:00 to 22:00 in Almaty) within ``period``."""
    first, last, _ = period
    day = first + timedelta(days=rng.randrange((last - first).days + 1))
    moment = time(rng.randrange(8, 22), rng.randrange(60))
    return datetime.combine(day, moment, tzinfo=ZoneInfo(zone))


def kind_for(rng: random.Random, at: datetime) -> RequestType:
    """Accreditation is asked for during the visit, before the press conference."""
    kind = weighted(rng, KINDS)
    if kind is RequestType.ACCREDITATION and not date(2015, 1, 19) <= at.date() <= date(
        2015, 1, 26
    ):
        return RequestType.INFORMATION
    return kind


def tell(mission: Mission, count: int, team: Team, rng: random.Random) -> Counter[Outcome]:
    """``count`` inquiries over the mission's story, in the order they came in."""
    periods = [weighted(rng, [(p, p[2]) for p in PERIODS]) for _ in range(count)]
    moments = sorted(received_at(rng, period, mission.timezone) for period in periods)
    media_unit = contact("xabier-celaya")
    told: Counter[Outcome] = Counter()
    for at in moments:
        outcome = weighted(rng, OUTCOMES)
        topic = Topic.OTHER_EXPERTS if rng.random() < 0.08 else Topic.MISSION
        # Referred: about another expert, yet sent as about this mission, so passed on.
        subject = None
        if outcome is Outcome.REFERRED:
            topic, subject = Topic.MISSION, OTHER_EXPERT
        inquiry = receive(mission, rng, at, kind_for(rng, at), topic, subject=subject)
        during = inquiry.phase_at_receipt is Phase.DURING
        # Faster during the visit, when Astana answered on the spot.
        minutes = rng.randint(10, 90) if during else rng.randint(30, 360)
        handle(
            inquiry,
            team.officer_for(inquiry),
            outcome,
            respond_after=timedelta(minutes=minutes),
            media_unit=media_unit,
        )
        told[outcome] += 1
    return told
